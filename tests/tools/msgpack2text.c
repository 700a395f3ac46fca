/*
 * msgpack2text - decode a dns-gazer msgpack stream (-o) with msgpack-c and
 * print one line per object: TAG<TAB>TIME<TAB>RECORD, where RECORD is
 * msgpack-c's own rendering of the map.  Exits 1 unless every object is a
 * Message-mode array [string tag, integer time, map record] and the stream
 * ends on an object boundary.
 */
#include "config.h"

#include <inttypes.h>
#include <msgpack.h>
#include <stdio.h>
#include <string.h>

static int print_event(const msgpack_object *o)
{
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 3)
		return -1;
	const msgpack_object *tag = &o->via.array.ptr[0];
	const msgpack_object *time = &o->via.array.ptr[1];
	const msgpack_object *rec = &o->via.array.ptr[2];
	if (tag->type != MSGPACK_OBJECT_STR || rec->type != MSGPACK_OBJECT_MAP ||
	    (time->type != MSGPACK_OBJECT_POSITIVE_INTEGER &&
	     time->type != MSGPACK_OBJECT_NEGATIVE_INTEGER))
		return -1;
	fwrite(tag->via.str.ptr, 1, tag->via.str.size, stdout);
	printf("\t%" PRId64 "\t", time->via.i64);
	msgpack_object_print(stdout, *rec);
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	FILE *fp = argc > 1 ? fopen(argv[1], "rb") : stdin;
	if (!fp) {
		perror(argv[1]);
		return 1;
	}
	msgpack_unpacker u;
	msgpack_unpacked res;
	if (!msgpack_unpacker_init(&u, 1 << 16))
		return 1;
	msgpack_unpacked_init(&res);
	int rc = 0;
	for (;;) {
		if (msgpack_unpacker_buffer_capacity(&u) < 4096 && !msgpack_unpacker_reserve_buffer(&u, 1 << 16))
			return 1;
		size_t n = fread(msgpack_unpacker_buffer(&u), 1, msgpack_unpacker_buffer_capacity(&u), fp);
		msgpack_unpacker_buffer_consumed(&u, n);
		msgpack_unpack_return ret;
		while ((ret = msgpack_unpacker_next(&u, &res)) == MSGPACK_UNPACK_SUCCESS) {
			if (print_event(&res.data) < 0) {
				fprintf(stderr, "msgpack2text: object is not [tag, time, map]\n");
				rc = 1;
			}
		}
		if (ret == MSGPACK_UNPACK_PARSE_ERROR) {
			fprintf(stderr, "msgpack2text: parse error\n");
			rc = 1;
			break;
		}
		if (n == 0) {
			if (msgpack_unpacker_message_size(&u) != msgpack_unpacker_parsed_size(&u)) {
				fprintf(stderr, "msgpack2text: stream ends inside an object\n");
				rc = 1;
			}
			break;
		}
	}
	msgpack_unpacked_destroy(&res);
	msgpack_unpacker_destroy(&u);
	if (fp != stdin)
		(void)fclose(fp); /* input: nothing to lose */
	return rc;
}
