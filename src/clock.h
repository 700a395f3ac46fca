/* clock.h - the two clocks: wall time for events, monotonic for intervals. */
#ifndef DNS_GAZER_CLOCK_H
#define DNS_GAZER_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Microseconds since the epoch. */
static inline int64_t clock_wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Microseconds of a clock that never jumps, for "every N seconds". */
static inline int64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#endif /* DNS_GAZER_CLOCK_H */
