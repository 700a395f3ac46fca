/* Unit tests for arena.c: alignment, big allocations, reserve/commit, reset. */
#include "config.h"

#include <check.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check_run.h"

#define ALIGN alignof(max_align_t)

static bool aligned(const void *p)
{
	return ((uintptr_t)p % ALIGN) == 0;
}

START_TEST(alignment_of_odd_sizes)
{
	struct arena a;
	arena_init(&a, 256);
	static const size_t sizes[] = {1, 3, 7, 8, 13, 16, 17, 31, 33, 100, 1, 2};
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			void *p = arena_alloc(&a, sizes[i]);
			ck_assert_ptr_nonnull(p);
			ck_assert_msg(aligned(p), "size %zu gave %p", sizes[i], p);
			/* an object of the strictest type can live there */
			if (sizes[i] >= sizeof(long double))
				*(long double *)p = 1.5L;
		}
	}
	arena_free(&a);
}
END_TEST

/* Allocations never overlap: fill each with its own byte, then check all. */
START_TEST(no_overlap)
{
	struct arena a;
	arena_init(&a, 512);
	enum { N = 300 };
	unsigned char *p[N];
	size_t n[N];
	for (int i = 0; i < N; i++) {
		n[i] = (size_t)(i * 7 % 61) + 1;
		p[i] = arena_alloc(&a, n[i]);
		ck_assert_ptr_nonnull(p[i]);
		memset(p[i], i & 0xFF, n[i]);
	}
	for (int i = 0; i < N; i++)
		for (size_t j = 0; j < n[i]; j++)
			ck_assert_uint_eq(p[i][j], (unsigned)(i & 0xFF));
	arena_free(&a);
}
END_TEST

START_TEST(big_allocations)
{
	struct arena a;
	arena_init(&a, 128);
	unsigned char *small1 = arena_alloc(&a, 10);
	memset(small1, 0x11, 10);
	/* far larger than a block: must be fully writable (valgrind checks) */
	unsigned char *big = arena_alloc(&a, 100000);
	ck_assert_ptr_nonnull(big);
	ck_assert(aligned(big));
	memset(big, 0x22, 100000);
	unsigned char *small2 = arena_alloc(&a, 10);
	ck_assert_ptr_nonnull(small2);
	memset(small2, 0x33, 10);
	unsigned char *big2 = arena_alloc(&a, 128 + 1);
	ck_assert_ptr_nonnull(big2);
	memset(big2, 0x44, 129);
	for (int i = 0; i < 10; i++) {
		ck_assert_uint_eq(small1[i], 0x11);
		ck_assert_uint_eq(small2[i], 0x33);
	}
	for (int i = 0; i < 100000; i++)
		ck_assert_uint_eq(big[i], 0x22);
	/* exactly one block */
	unsigned char *exact = arena_alloc(&a, 128);
	ck_assert_ptr_nonnull(exact);
	memset(exact, 0x55, 128);
	arena_free(&a);
}
END_TEST

START_TEST(impossible_sizes_fail_cleanly)
{
	struct arena a;
	arena_init(&a, 1024);
	ck_assert_ptr_null(arena_alloc(&a, SIZE_MAX));
	ck_assert_ptr_null(arena_alloc(&a, SIZE_MAX - 15));
	ck_assert_ptr_null(arena_reserve(&a, SIZE_MAX));
	/* the arena still works */
	char *p = arena_alloc(&a, 16);
	ck_assert_ptr_nonnull(p);
	memset(p, 0, 16);
	arena_free(&a);
}
END_TEST

START_TEST(reserve_commit)
{
	struct arena a;
	arena_init(&a, 256);
	char *r = arena_reserve(&a, 200);
	ck_assert_ptr_nonnull(r);
	memset(r, 'r', 200); /* the whole reservation is writable */
	arena_commit(&a, 5);
	char *next = arena_alloc(&a, 8);
	ck_assert_ptr_nonnull(next);
	ck_assert(aligned(next));
	memset(next, 'n', 8);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(r[i], 'r'); /* committed bytes survive */

	/* a reservation bigger than a block */
	char *big = arena_reserve(&a, 5000);
	ck_assert_ptr_nonnull(big);
	memset(big, 'b', 5000);
	arena_commit(&a, 4999);
	char *after = arena_alloc(&a, 16);
	ck_assert_ptr_nonnull(after);
	memset(after, 'a', 16);
	for (int i = 0; i < 4999; i++)
		ck_assert_int_eq(big[i], 'b');

	/* committing nothing leaves the space for the next allocation */
	char *r2 = arena_reserve(&a, 32);
	ck_assert_ptr_nonnull(r2);
	arena_commit(&a, 0);
	char *r3 = arena_alloc(&a, 32);
	ck_assert_ptr_nonnull(r3);
	memset(r3, 'x', 32);
	ck_assert_int_eq(next[0], 'n');
	arena_free(&a);
}
END_TEST

START_TEST(reset_reuses_a_block)
{
	struct arena a;
	arena_init(&a, 256);
	void *first = arena_alloc(&a, 16);
	ck_assert_ptr_nonnull(first);
	arena_reset(&a);
	/* one block was kept: the next allocation starts it again */
	void *again = arena_alloc(&a, 16);
	ck_assert_ptr_eq(again, first);
	arena_free(&a);
}
END_TEST

START_TEST(reset_after_many_blocks)
{
	struct arena a;
	arena_init(&a, 64);
	for (int round = 0; round < 5; round++) {
		/* several regular blocks and some oversized ones */
		for (int i = 0; i < 50; i++) {
			unsigned char *p = arena_alloc(&a, (size_t)(i % 5 == 0 ? 1000 : 24));
			ck_assert_ptr_nonnull(p);
			memset(p, round, i % 5 == 0 ? 1000 : 24);
		}
		arena_reset(&a);
		unsigned char *p = arena_alloc(&a, 48);
		ck_assert_ptr_nonnull(p);
		ck_assert(aligned(p));
		memset(p, 0xEE, 48);
		arena_reset(&a);
	}
	/* valgrind: everything but the kept block was freed; free releases it */
	arena_free(&a);
	ck_assert_ptr_null(a.head);
	/* usable again after init */
	arena_init(&a, 64);
	ck_assert_ptr_nonnull(arena_alloc(&a, 8));
	arena_free(&a);
}
END_TEST

START_TEST(reset_and_free_when_empty)
{
	struct arena a;
	arena_init(&a, 64);
	arena_reset(&a);
	arena_free(&a);
	arena_free(&a); /* twice is harmless: head was cleared */
	arena_init(&a, 64);
	void *p = arena_alloc(&a, 100); /* only an oversized block */
	ck_assert_ptr_nonnull(p);
	arena_reset(&a);
	ck_assert_ptr_nonnull(arena_alloc(&a, 8));
	arena_free(&a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, alignment_of_odd_sizes);
	tcase_add_test(tc, no_overlap);
	tcase_add_test(tc, big_allocations);
	tcase_add_test(tc, impossible_sizes_fail_cleanly);
	tcase_add_test(tc, reserve_commit);
	tcase_add_test(tc, reset_reuses_a_block);
	tcase_add_test(tc, reset_after_many_blocks);
	tcase_add_test(tc, reset_and_free_when_empty);
	suite_add_tcase(s, tc);
	return check_run(s);
}
