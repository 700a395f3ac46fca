/*
 * dns_types.h - mnemonics for DNS numbers: RR types, classes, rcodes and
 * opcodes, from the IANA "Domain Name System (DNS) Parameters" registry.
 */
#ifndef DNS_GAZER_DNS_TYPES_H
#define DNS_GAZER_DNS_TYPES_H

#include <stddef.h>
#include <stdint.h>

enum {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_MD = 3, DNS_T_MF = 4, DNS_T_CNAME = 5,
	DNS_T_SOA = 6, DNS_T_MB = 7, DNS_T_MG = 8, DNS_T_MR = 9, DNS_T_NULL = 10,
	DNS_T_PTR = 12, DNS_T_MX = 15, DNS_T_TXT = 16, DNS_T_AAAA = 28,
	DNS_T_SRV = 33, DNS_T_DNAME = 39, DNS_T_OPT = 41, DNS_T_SPF = 99,
};

enum { DNS_C_IN = 1 };

/*
 * Write the type mnemonic ("A", "HTTPS") or, for numbers without one,
 * "TYPEnnn" (RFC 3597) into buf (>= 16 bytes); returns buf.
 */
const char *dns_type_str(uint16_t type, char buf[16]);

/* Class mnemonic ("IN", "CH", "HS", "NONE", "ANY") or "CLASSnnn". */
const char *dns_class_str(uint16_t rclass, char buf[16]);

/* Rcode mnemonic ("NOERROR", "NXDOMAIN", "BADVERS", ...) or "RCODEnnn". */
const char *dns_rcode_str(uint16_t rcode, char buf[16]);

/* Opcode mnemonic ("QUERY", "NOTIFY", "UPDATE", ...) or "OPCODEnn". */
const char *dns_opcode_str(uint8_t opcode, char buf[16]);

#endif /* DNS_GAZER_DNS_TYPES_H */
