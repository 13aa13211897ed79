// SPDX-License-Identifier: MIT
/*
 * default_clip_find(): the order vcm run looks for default.mjpeg in (next to
 * the binary, the install's data folder from it, the build tree's path), and
 * a message naming all three when none has it. Works in a scratch folder
 * laid out like an install: P/bin/vcm, P/share/vcm/, and B/ for the build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../vcm/default_clip.h"

static int bad;
static char top[] = "/tmp/vcm-test-clip-XXXXXX";

static void path(char *out, size_t len, const char *rel)
{
	snprintf(out, len, "%s/%s", top, rel);
}

static void touch(const char *rel)
{
	char p[512];
	FILE *f;

	path(p, sizeof(p), rel);
	f = fopen(p, "w");
	if (f == NULL || fclose(f) != 0) {
		perror(p);
		exit(1);
	}
}

static void rm(const char *rel)
{
	char p[512];

	path(p, sizeof(p), rel);
	remove(p);
}

/* The lookup from P/bin/vcm; @want NULL: none found, and @err must name every place. */
static void check(const char *what, const char *want)
{
	char exe[512], built[512], buf[512], err[2048], w[512];
	const char *got;

	path(exe, sizeof(exe), "P/bin/vcm");
	path(built, sizeof(built), "B/default.mjpeg");
	got = default_clip_find(exe, "../share/vcm", built, buf, sizeof(buf), err, sizeof(err));
	if (want == NULL) {
		const char *places[] = { "P/bin/default.mjpeg", "P/share/vcm/default.mjpeg",
					 "B/default.mjpeg" };

		if (got != NULL) {
			fprintf(stderr, "test_default_clip: %s: found %s, want none\n", what, got);
			bad = 1;
			return;
		}
		for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
			path(w, sizeof(w), places[i]);
			if (strstr(err, w) == NULL) {
				fprintf(stderr, "test_default_clip: %s: the message \"%s\" does not "
					"name %s\n", what, err, w);
				bad = 1;
			}
		}
		return;
	}
	path(w, sizeof(w), want);
	if (got == NULL || strcmp(got, w) != 0) {
		fprintf(stderr, "test_default_clip: %s: got %s, want %s\n", what,
			got != NULL ? got : err, w);
		bad = 1;
	}
}

int main(void)
{
	char p[512];
	const char *dirs[] = { "P", "P/bin", "P/share", "P/share/vcm", "B" };

	if (mkdtemp(top) == NULL) {
		perror("test_default_clip: mkdtemp");
		return 1;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		path(p, sizeof(p), dirs[i]);
		if (mkdir(p, 0777) != 0) {
			perror(p);
			return 1;
		}
	}
	touch("P/bin/default.mjpeg");
	touch("P/share/vcm/default.mjpeg");
	touch("B/default.mjpeg");
	check("all three", "P/bin/default.mjpeg");
	rm("P/bin/default.mjpeg");
	check("installed and built", "P/share/vcm/default.mjpeg");
	rm("P/share/vcm/default.mjpeg");
	check("built only", "B/default.mjpeg");
	rm("B/default.mjpeg");
	check("none", NULL);
	touch("P/share/vcm/default.mjpeg");
	check("installed only", "P/share/vcm/default.mjpeg");
	rm("P/share/vcm/default.mjpeg");
	for (size_t i = sizeof(dirs) / sizeof(dirs[0]); i-- > 0;) {
		path(p, sizeof(p), dirs[i]);
		rmdir(p);
	}
	rmdir(top);
	return bad;
}
