// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the vcm command line (tools/vcm/main.c, cli.c and every
 * cmd_*.c, compiled in with main renamed vcm_main). The input is the argument
 * list after "vcm", one argument a line. Whatever the arguments, the command
 * must return a CLI_EXIT_* code.
 *
 * What keeps each run short and harmless: the harness works in a scratch
 * folder of its own, emptied after every input, and every argument is made a
 * plain name there ('/' becomes '_', "." and ".." become "_"), so no file
 * outside it is read or written; PATH names nothing, so `dot` and `dtc` are
 * not found (the tool says so and goes on); stdout goes to /dev/null. `vcm pt`
 * runs whole (tables in memory); `vcm run` stops before playing, as no clip
 * exists in the scratch folder; `vcm graph` builds the built-in SoC and writes
 * its files there.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fuzz_util.h"

#define FUZZ_CLI_MAX_ARGS 64

int vcm_main(int argc, char **argv);

static char g_dir[] = "/tmp/vcm-fuzz-cli-XXXXXX";
static int g_home = -1; /* the folder libFuzzer works in, for its own paths */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

static void rm_scratch(void)
{
	nftw(g_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void rm_dir(void)
{
	rm_scratch();
	rmdir(g_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(mkdtemp(g_dir) != NULL);
	g_home = open(".", O_RDONLY | O_DIRECTORY);
	FUZZ_CHECK(g_home >= 0);
	atexit(rm_dir);
	setenv("PATH", "/nonexistent", 1);
	FUZZ_CHECK(freopen("/dev/null", "w", stdout) != NULL);
	return 0;
}

/* Keep @a a plain name in the scratch folder. */
static void confine(char *a)
{
	if (strcmp(a, ".") == 0 || strcmp(a, "..") == 0) {
		strcpy(a, "_");
		return;
	}
	for (char *p = a; *p != '\0'; p++)
		if (*p == '/')
			*p = '_';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_CLI_MAX_ARGS + 2];
	char *text = fuzz_str(data, size), *p = text;
	int argc = 1, r;

	argv[0] = "vcm";
	while (argc <= FUZZ_CLI_MAX_ARGS) {
		char *nl = strchr(p, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (nl != NULL || *p != '\0') {
			confine(p);
			argv[argc++] = p;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	argv[argc] = NULL;
	FUZZ_CHECK(chdir(g_dir) == 0);
	r = vcm_main(argc, argv);
	FUZZ_CHECK(r == 0 || r == 1 || r == 2);
	fflush(stdout);
	rm_scratch();
	FUZZ_CHECK(fchdir(g_home) == 0);
	free(text);
	return 0;
}
