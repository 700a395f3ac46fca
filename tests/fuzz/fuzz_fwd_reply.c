/*
 * fuzz_fwd_reply - libFuzzer harness for what a fluentd server sends back:
 * the input is a byte stream read from the connection, fed to the
 * unpacker in uneven pieces as the I/O thread does, and every object is
 * tried as an ack, a HELO and a PONG (fwd_proto.c).
 */
#include "config.h"

#include <msgpack.h>
#include <stdint.h>
#include <string.h>

#include "fwd_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_object(const msgpack_object *o)
{
	static const struct fwd_helo helo = {.nonce = "nonce", .nonce_len = 5};
	const char *chunk;
	size_t len;
	struct fwd_helo h;
	char err[256];
	if (fwd_ack_parse(o, &chunk, &len)) {
		static volatile unsigned char seen; /* the chunk bytes are read, as an ack's are */
		for (size_t i = 0; i < len; i++)
			seen ^= (unsigned char)chunk[i];
	}
	(void)fwd_helo_parse(o, &h);
	(void)fwd_pong_check(o, "0123456789abcdef0123456789abcdef", &helo, "key", 3, err,
	                     sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* As sink_fluent.c reads: the bytes come in uneven pieces into a
	 * buffer of at most FWD_REPLY_MAX, whole messages are taken out. */
	static char buf[FWD_REPLY_MAX];
	size_t have = 0, off = 0, piece = 1;
	msgpack_unpacked res;
	msgpack_unpacked_init(&res);
	while (off < size) {
		size_t n = size - off < piece ? size - off : piece;
		if (n > sizeof(buf) - have)
			n = sizeof(buf) - have;
		piece = piece * 3 + 1; /* 1, 4, 13, ... bytes at a time */
		memcpy(buf + have, data + off, n);
		have += n;
		off += n;
		size_t start = 0, used;
		int rc = 0;
		while (start < have && (rc = fwd_reply_next(buf + start, have - start, &used, &res)) == 1) {
			try_object(&res.data);
			start += used;
		}
		if (start < have && (rc < 0 || have - start >= sizeof(buf)))
			break; /* the sink drops the connection */
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	msgpack_unpacked_destroy(&res);
	return 0;
}
