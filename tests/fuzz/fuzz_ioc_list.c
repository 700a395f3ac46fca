/*
 * fuzz_ioc_list - libFuzzer harness for indicator lists (--ioc files).
 * The input is a list file.  It must load or fail with one line; when it
 * loads, the domain on its first line (if it starts with a letter) must be
 * found again by a look-up of its own wire form, and look-ups of fixed
 * names and addresses must give printable indicator texts.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_name.h"
#include "ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *t)
{
	for (; *t; t++)
		if ((unsigned char)*t < 0x20 || (unsigned char)*t > 0x7E)
			abort();
}

/* The first line's indicator, when it is a plain domain: it must match. */
static void check_first_domain(const struct ioc_set *s, const char *text, size_t size)
{
	size_t n = 0;
	if (size == 0 || !((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z')))
		return;
	while (n < size && !strchr(" \t\r\n", text[n]) && text[n] != '\0')
		n++;
	if (memchr(text, ':', n) || memchr(text, '/', n))
		return;
	uint8_t w[DNS_NAME_MAXWIRE];
	size_t wlen;
	struct ioc_ref ref;
	if (dns_name_from_text(text, n, w, &wlen) != NULL || wlen < 2)
		return;
	if (!ioc_lookup_name(s, w, wlen, &ref) || ref.kind != IOC_KIND_DOMAIN)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	const char *text = (const char *)data;
	struct ioc_set *s = ioc_set_new();
	if (!s)
		abort();
	if (ioc_set_add_text(s, "fuzz", text, size, err, sizeof(err)) < 0) {
		if (strchr(err, '\n') || strncmp(err, "fuzz:", 5) != 0)
			abort();
		check_text(err);
		ioc_set_free(s);
		return 0;
	}
	check_first_domain(s, text, size);
	static const char *const names[] = {"www.example.com", "a.b.c.d.e.f", "x", "com"};
	char buf[IOC_TEXT_MAX];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint8_t w[DNS_NAME_MAXWIRE];
		size_t wlen;
		struct ioc_ref ref;
		if (dns_name_from_text(names[i], strlen(names[i]), w, &wlen) == NULL &&
		    ioc_lookup_name(s, w, wlen, &ref))
			check_text(ioc_ref_text(s, ref, buf));
	}
	static const uint8_t v4[4] = {192, 0, 2, 1};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	struct net_addr a;
	struct ioc_ref ref;
	net_addr_set4(&a, v4);
	if (ioc_lookup_addr(s, &a, &ref)) {
		check_text(ioc_ref_text(s, ref, buf));
		const char *l = ioc_ref_label(s, ref);
		if (l)
			check_text(l);
	}
	net_addr_set6(&a, v6);
	if (ioc_lookup_addr(s, &a, &ref))
		check_text(ioc_ref_text(s, ref, buf));
	ioc_set_free(s);
	return 0;
}
