/*
 * privdrop.h - giving up root (-u USER[:GROUP]) once the capture handle
 * and the output files are open.
 */
#ifndef DNS_GAZER_PRIVDROP_H
#define DNS_GAZER_PRIVDROP_H

#include <stddef.h>

/*
 * Become user (and group, or the user's primary group if group is empty),
 * with that group as the only supplementary group.  Every step is checked,
 * and so is that root cannot be regained.  0, or -1 with one line in err.
 */
int privdrop(const char *user, const char *group, char *err, size_t errlen);

#endif /* DNS_GAZER_PRIVDROP_H */
