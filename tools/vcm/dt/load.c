// SPDX-License-Identifier: MIT
/* A device tree from a file: a blob as it is, a .dts compiled by dtc first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "topo_out.h"

/* Device trees are small; a larger file is refused rather than read. */
#define DT_MAX_BLOB (UINT32_C(16) << 20)

static int read_file(const char *path, void **blob, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	long n;

	*blob = NULL;
	if (f == NULL) {
		snprintf(err, errlen, "%.800s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    n > (long)DT_MAX_BLOB) {
		snprintf(err, errlen, "%.800s: not a regular file of at most 16 MiB", path);
		fclose(f);
		return -1;
	}
	*blob = malloc(n > 0 ? (size_t)n : 1U);
	if (*blob == NULL || fread(*blob, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errlen, "%.800s: read failed", path);
		free(*blob);
		*blob = NULL;
		fclose(f);
		return -1;
	}
	fclose(f);
	*len = (size_t)n;
	return 0;
}

/* dtc -I dts -O dtb -o @out @path; its own messages go to stderr. */
static int compile_dts(const char *path, const char *out, char *err, size_t errlen)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0) {
		snprintf(err, errlen, "%.800s: cannot run dtc: %s", path, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execlp("dtc", "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, path, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "%.800s: %s", path,
			 WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			 "a .dts needs dtc (Debian package device-tree-compiler)" :
			 "dtc could not compile it (its message is above)");
		return -1;
	}
	return 0;
}

int dt_load(const char *path, struct dt_topo *t, char *err, size_t errlen)
{
	size_t n = strlen(path), len = 0;
	void *blob = NULL;
	int r;

	if (n > 4 && strcmp(path + n - 4, ".dts") == 0) {
		char tmp[] = "/tmp/vcm-dtb-XXXXXX";
		int fd = mkstemp(tmp);

		if (fd < 0) {
			snprintf(err, errlen, "%.800s: no temporary file for dtc: %s", path,
				 strerror(errno));
			return -1;
		}
		close(fd);
		r = compile_dts(path, tmp, err, errlen);
		if (r == 0)
			r = read_file(tmp, &blob, &len, err, errlen);
		unlink(tmp);
	} else {
		r = read_file(path, &blob, &len, err, errlen);
	}
	if (r == 0) {
		int m = snprintf(err, errlen, "%.800s: ", path);

		/* the reader's message goes after "PATH: ", cut like the rest */
		if (m < 0 || (size_t)m >= errlen)
			m = 0;
		r = dt_read(blob, len, t, err + m, errlen - (size_t)m);
	}
	free(blob);
	return r;
}
