/*
 * jsoncheck - check dns-gazer text output (TIME<TAB>TAG<TAB>JSON lines)
 * with cJSON, an independent JSON parser.
 *
 *   jsoncheck valid FILE          every line is TIME TAB TAG TAB JSON-object,
 *                                 printable ASCII only, and parses
 *   jsoncheck subset EXP ACT      same number of lines; line by line, TIME
 *                                 and TAG equal and every key of the
 *                                 expected object present in the actual one
 *                                 with the same value (recursively; arrays
 *                                 element by element, same length)
 *
 * Exit 0 when the check holds, 1 with one message per problem otherwise.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE (4 * 1024 * 1024)

struct line {
	char *time, *tag, *json;
};

/* Split a line in place; false if it does not have three fields. */
static bool split(char *s, struct line *l)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '\n')
		s[--n] = '\0';
	char *t1 = strchr(s, '\t');
	char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
	if (!t1 || !t2)
		return false;
	*t1 = *t2 = '\0';
	l->time = s;
	l->tag = t1 + 1;
	l->json = t2 + 1;
	return true;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			if (*s != '\t')
				return false;
	return true;
}

static int check_valid(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		perror(path);
		return 1;
	}
	char *buf = malloc(MAX_LINE);
	int bad = 0;
	long no = 0;
	while (buf && fgets(buf, MAX_LINE, fp)) {
		struct line l;
		no++;
		if (!printable(buf) && strchr(buf, '\n') != buf + strlen(buf) - 1) {
			printf("%s:%ld: raw control or non-ASCII byte\n", path, no);
			bad++;
			continue;
		}
		if (!split(buf, &l) || !printable(l.json)) {
			printf("%s:%ld: not TIME<TAB>TAG<TAB>JSON with printable ASCII\n", path, no);
			bad++;
			continue;
		}
		cJSON *j = cJSON_Parse(l.json);
		if (!j || !cJSON_IsObject(j)) {
			printf("%s:%ld: JSON does not parse to an object\n", path, no);
			bad++;
		}
		cJSON_Delete(j);
	}
	free(buf);
	(void)fclose(fp); /* input: nothing to lose */
	return bad ? 1 : 0;
}

/* Whether every key of exp is in act with an equal value. */
/* NOLINTNEXTLINE(misc-no-recursion): as deep as the expected file, which we write */
static bool subset(const cJSON *exp, const cJSON *act, char *where, size_t wlen)
{
	if (cJSON_IsObject(exp)) {
		if (!cJSON_IsObject(act))
			return snprintf(where, wlen, "not an object"), false;
		for (const cJSON *e = exp->child; e; e = e->next) {
			const cJSON *a = cJSON_GetObjectItemCaseSensitive(act, e->string);
			if (!a)
				return snprintf(where, wlen, "missing key \"%s\"", e->string), false;
			if (!subset(e, a, where, wlen)) {
				size_t n = strlen(where);
				snprintf(where + n, wlen - n, " in \"%s\"", e->string);
				return false;
			}
		}
		return true;
	}
	if (cJSON_IsArray(exp)) {
		if (!cJSON_IsArray(act) || cJSON_GetArraySize(exp) != cJSON_GetArraySize(act))
			return snprintf(where, wlen, "array length differs"), false;
		const cJSON *a = act->child;
		for (const cJSON *e = exp->child; e; e = e->next, a = a->next)
			if (!subset(e, a, where, wlen))
				return false;
		return true;
	}
	if (!cJSON_Compare(exp, act, true))
		return snprintf(where, wlen, "value differs"), false;
	return true;
}

static int check_subset(const char *exp_path, const char *act_path)
{
	FILE *fe = fopen(exp_path, "r"), *fa = fopen(act_path, "r");
	if (!fe || !fa) {
		perror(!fe ? exp_path : act_path);
		return 1;
	}
	char *be = malloc(MAX_LINE), *ba = malloc(MAX_LINE);
	int bad = 0;
	long no = 0;
	for (;;) {
		char *le = fgets(be, MAX_LINE, fe);
		char *la = fgets(ba, MAX_LINE, fa);
		if (!le && !la)
			break;
		no++;
		struct line e, a;
		if (!le || !la) {
			printf("line %ld: %s has fewer lines\n", no, le ? act_path : exp_path);
			bad++;
			break;
		}
		if (!split(be, &e) || !split(ba, &a)) {
			printf("line %ld: not TIME<TAB>TAG<TAB>JSON\n", no);
			bad++;
			continue;
		}
		cJSON *je = cJSON_Parse(e.json), *ja = cJSON_Parse(a.json);
		char where[256] = "";
		if (strcmp(e.time, a.time) != 0 || strcmp(e.tag, a.tag) != 0) {
			printf("line %ld: time/tag \"%s %s\" != \"%s %s\"\n", no, a.time, a.tag, e.time,
			       e.tag);
			bad++;
		} else if (!je || !ja) {
			printf("line %ld: JSON does not parse\n", no);
			bad++;
		} else if (!subset(je, ja, where, sizeof(where))) {
			printf("line %ld: %s\n", no, where);
			bad++;
		}
		cJSON_Delete(je);
		cJSON_Delete(ja);
	}
	free(be);
	free(ba);
	(void)fclose(fe); /* inputs: nothing to lose */
	(void)fclose(fa);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "valid") == 0)
		return check_valid(argv[2]);
	if (argc == 4 && strcmp(argv[1], "subset") == 0)
		return check_subset(argv[2], argv[3]);
	fprintf(stderr, "usage: jsoncheck valid FILE | jsoncheck subset EXPECTED ACTUAL\n");
	return 2;
}
