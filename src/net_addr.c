/* net_addr.c - address formatting, see net_addr.h. */
#include "config.h"

#include "net_addr.h"

#include <arpa/inet.h>
#include <sys/socket.h>

int net_addr_format(const struct net_addr *a, char buf[NET_ADDR_TEXT_MAX])
{
	if (a->family == 4) {
		/* Hand-rolled: this runs for every logged event. */
		char *o = buf;
		for (int i = 0; i < 4; i++) {
			unsigned v = a->bytes[i];
			if (v >= 100)
				*o++ = (char)('0' + v / 100);
			if (v >= 10)
				*o++ = (char)('0' + v / 10 % 10);
			*o++ = (char)('0' + v % 10);
			if (i < 3)
				*o++ = '.';
		}
		*o = '\0';
		return (int)(o - buf);
	}
	if (!inet_ntop(AF_INET6, a->bytes, buf, NET_ADDR_TEXT_MAX)) {
		buf[0] = '\0';
		return 0;
	}
	return (int)strlen(buf);
}
