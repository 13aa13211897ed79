// SPDX-License-Identifier: MIT
/*
 * The default clip's lookup (default_clip.h). The places are tried in a fixed
 * order and all of them are named when none has the clip, so that a missing
 * file in an install says where it was expected.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "default_clip.h"

#define MAX_PLACES 3

/*
 * @dir/@rel/default.mjpeg into @out, each leading "../" of @rel taken off
 * @dir so the path reads as the folder it names ("/usr/share/vcm", not
 * "/usr/bin/../share/vcm"). Return: 0, or -1 when it does not fit.
 */
static int join(char *out, size_t len, const char *dir, const char *rel)
{
	char d[4096];
	int n;

	if (snprintf(d, sizeof(d), "%s", dir) >= (int)sizeof(d))
		return -1;
	while (rel != NULL && strncmp(rel, "../", 3) == 0) {
		char *slash = strrchr(d, '/');

		/* a top folder ("/bin", "bin") has no parent to take off: keep the ".." */
		if (slash == NULL || slash == d || strcmp(slash + 1, "..") == 0)
			break;
		*slash = '\0';
		rel += 3;
	}
	if (rel != NULL && strcmp(rel, "..") == 0 && strrchr(d, '/') > d) {
		*strrchr(d, '/') = '\0';
		rel = NULL;
	}
	if (rel != NULL && *rel != '\0')
		n = snprintf(out, len, "%s/%s/%s", strcmp(d, "/") != 0 ? d : "", rel,
			     DEFAULT_CLIP_NAME);
	else
		n = snprintf(out, len, "%s/%s", strcmp(d, "/") != 0 ? d : "", DEFAULT_CLIP_NAME);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

const char *default_clip_find(const char *exe, const char *data_rel, const char *built, char *buf,
			      size_t len, char *err, size_t errlen)
{
	char places[MAX_PLACES][4096], dir[4096];
	unsigned int n = 0;
	size_t at;

	if (exe != NULL && snprintf(dir, sizeof(dir), "%s", exe) < (int)sizeof(dir)) {
		char *slash = strrchr(dir, '/');

		if (slash != NULL) {
			*slash = '\0';
			if (slash == dir)
				strcpy(dir, "/");
			if (join(places[n], sizeof(places[n]), dir, NULL) == 0)
				n++;
			if (data_rel != NULL && *data_rel != '\0' &&
			    join(places[n], sizeof(places[n]), dir, data_rel) == 0)
				n++;
		}
	}
	if (built != NULL && *built != '\0' &&
	    snprintf(places[n], sizeof(places[n]), "%s", built) < (int)sizeof(places[n]))
		n++;
	for (unsigned int i = 0; i < n; i++) {
		if (access(places[i], R_OK) == 0 && strlen(places[i]) < len) {
			strcpy(buf, places[i]);
			return buf;
		}
	}
	if (n == 0) {
		snprintf(err, errlen, "no default clip (give one: vcm run CLIP): the binary's own "
			 "path is unknown and no build path was compiled in");
		return NULL;
	}
	at = (size_t)snprintf(err, errlen, "no default clip (give one: vcm run CLIP): none of");
	for (unsigned int i = 0; i < n && at < errlen; i++)
		at += (size_t)snprintf(err + at, errlen - at, "%s %.1000s", i != 0 ? "," : "",
				       places[i]);
	if (at < errlen)
		snprintf(err + at, errlen - at, " can be read");
	return NULL;
}
