/* privdrop.c - giving up root, see privdrop.h. */
#include "config.h"

#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Look up the ids; an unknown name is an error, not "nobody". */
static int lookup(const char *user, const char *group, uid_t *uid, gid_t *gid, char *err,
                  size_t errlen)
{
	char buf[16384];
	struct passwd pw, *pwp = NULL;
	int e = getpwnam_r(user, &pw, buf, sizeof(buf), &pwp);
	if (!pwp) {
		snprintf(err, errlen, "unknown user \"%s\"%s%s", user, e ? ": " : "",
		         e ? strerror(e) : "");
		return -1;
	}
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	if (!*group)
		return 0;
	struct group gr, *grp = NULL;
	e = getgrnam_r(group, &gr, buf, sizeof(buf), &grp);
	if (!grp) {
		snprintf(err, errlen, "unknown group \"%s\"%s%s", group, e ? ": " : "",
		         e ? strerror(e) : "");
		return -1;
	}
	*gid = gr.gr_gid;
	return 0;
}

/* Every id, real, effective and saved, is the wanted one. */
static int verify(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -1;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid)
		return -1;
	/* The proof: asking for root back must fail. */
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return -1;
	return 0;
}

int privdrop(const char *user, const char *group, char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;
	if (lookup(user, group, &uid, &gid, err, errlen) < 0)
		return -1;
	/* Groups first: once the uid is gone, they can no longer be changed. */
	const char *step = NULL;
	if (setgroups(1, &gid) < 0)
		step = "setgroups";
	else if (setresgid(gid, gid, gid) < 0)
		step = "setresgid";
	else if (setresuid(uid, uid, uid) < 0)
		step = "setresuid";
	if (step) {
		snprintf(err, errlen, "cannot switch to user %s: %s: %s", user, step, strerror(errno));
		return -1;
	}
	if (verify(uid, gid) < 0) {
		snprintf(err, errlen, "switching to user %s did not drop every privilege", user);
		return -1;
	}
	return 0;
}
