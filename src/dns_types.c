/* dns_types.c - DNS number mnemonics, see dns_types.h. */
#include "config.h"

#include "dns_types.h"

#include <stdio.h>

/* Types 0-66 indexed by number; NULL where the registry has none. */
static const char *const low_types[] = {
	[1] = "A", [2] = "NS", [3] = "MD", [4] = "MF", [5] = "CNAME", [6] = "SOA",
	[7] = "MB", [8] = "MG", [9] = "MR", [10] = "NULL", [11] = "WKS", [12] = "PTR",
	[13] = "HINFO", [14] = "MINFO", [15] = "MX", [16] = "TXT", [17] = "RP",
	[18] = "AFSDB", [19] = "X25", [20] = "ISDN", [21] = "RT", [22] = "NSAP",
	[23] = "NSAP-PTR", [24] = "SIG", [25] = "KEY", [26] = "PX", [27] = "GPOS",
	[28] = "AAAA", [29] = "LOC", [30] = "NXT", [31] = "EID", [32] = "NIMLOC",
	[33] = "SRV", [34] = "ATMA", [35] = "NAPTR", [36] = "KX", [37] = "CERT",
	[38] = "A6", [39] = "DNAME", [40] = "SINK", [41] = "OPT", [42] = "APL",
	[43] = "DS", [44] = "SSHFP", [45] = "IPSECKEY", [46] = "RRSIG", [47] = "NSEC",
	[48] = "DNSKEY", [49] = "DHCID", [50] = "NSEC3", [51] = "NSEC3PARAM",
	[52] = "TLSA", [53] = "SMIMEA", [55] = "HIP", [56] = "NINFO", [57] = "RKEY",
	[58] = "TALINK", [59] = "CDS", [60] = "CDNSKEY", [61] = "OPENPGPKEY",
	[62] = "CSYNC", [63] = "ZONEMD", [64] = "SVCB", [65] = "HTTPS", [66] = "DSYNC",
};

struct num_name {
	uint16_t num;
	const char *name;
};

static const struct num_name high_types[] = {
	{99, "SPF"}, {100, "UINFO"}, {101, "UID"}, {102, "GID"}, {103, "UNSPEC"},
	{104, "NID"}, {105, "L32"}, {106, "L64"}, {107, "LP"}, {108, "EUI48"},
	{109, "EUI64"}, {128, "NXNAME"}, {249, "TKEY"}, {250, "TSIG"}, {251, "IXFR"},
	{252, "AXFR"}, {253, "MAILB"}, {254, "MAILA"}, {255, "ANY"}, {256, "URI"},
	{257, "CAA"}, {258, "AVC"}, {259, "DOA"}, {260, "AMTRELAY"}, {261, "RESINFO"},
	{262, "WALLET"}, {263, "CLA"}, {264, "IPN"}, {32768, "TA"}, {32769, "DLV"},
};

static const char *lookup(const struct num_name *t, size_t n, uint16_t num)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].num == num)
			return t[i].name;
	return NULL;
}

static const char *numbered(char buf[16], const char *prefix, unsigned v)
{
	snprintf(buf, 16, "%s%u", prefix, v);
	return buf;
}

const char *dns_type_str(uint16_t type, char buf[16])
{
	const char *s = NULL;
	if (type < sizeof(low_types) / sizeof(low_types[0]))
		s = low_types[type];
	else
		s = lookup(high_types, sizeof(high_types) / sizeof(high_types[0]), type);
	return s ? s : numbered(buf, "TYPE", type);
}

const char *dns_class_str(uint16_t rclass, char buf[16])
{
	static const struct num_name classes[] = {
		{1, "IN"}, {3, "CH"}, {4, "HS"}, {254, "NONE"}, {255, "ANY"},
	};
	const char *s = lookup(classes, sizeof(classes) / sizeof(classes[0]), rclass);
	return s ? s : numbered(buf, "CLASS", rclass);
}

const char *dns_rcode_str(uint16_t rcode, char buf[16])
{
	static const struct num_name rcodes[] = {
		{0, "NOERROR"}, {1, "FORMERR"}, {2, "SERVFAIL"}, {3, "NXDOMAIN"},
		{4, "NOTIMP"}, {5, "REFUSED"}, {6, "YXDOMAIN"}, {7, "YXRRSET"},
		{8, "NXRRSET"}, {9, "NOTAUTH"}, {10, "NOTZONE"}, {11, "DSOTYPENI"},
		{16, "BADVERS"}, {17, "BADKEY"}, {18, "BADTIME"}, {19, "BADMODE"},
		{20, "BADNAME"}, {21, "BADALG"}, {22, "BADTRUNC"}, {23, "BADCOOKIE"},
	};
	const char *s = lookup(rcodes, sizeof(rcodes) / sizeof(rcodes[0]), rcode);
	return s ? s : numbered(buf, "RCODE", rcode);
}

const char *dns_opcode_str(uint8_t opcode, char buf[16])
{
	static const struct num_name opcodes[] = {
		{0, "QUERY"}, {1, "IQUERY"}, {2, "STATUS"}, {4, "NOTIFY"},
		{5, "UPDATE"}, {6, "DSO"},
	};
	const char *s = lookup(opcodes, sizeof(opcodes) / sizeof(opcodes[0]), opcode);
	return s ? s : numbered(buf, "OPCODE", opcode);
}
