/*
 * compiler.h - hints to the compiler about where code runs, for the
 * instruction cache: the packet path's code is about as large as the
 * first-level cache, so every line the rare branches keep out of it is a
 * miss fewer per packet; and about data to fetch ahead.
 */
#ifndef DNS_GAZER_COMPILER_H
#define DNS_GAZER_COMPILER_H

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
/* rarely run: out of line, small, with other cold code (GCC's .text.unlikely) */
#define COLD __attribute__((cold, noinline))
/* start reading the cache line at p, for later: a hint, never a fault */
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define NOINLINE
#define COLD
#define PREFETCH(p) ((void)(p))
#endif

#endif /* DNS_GAZER_COMPILER_H */
