// SPDX-License-Identifier: MIT
/*
 * The vcm command: "vcm <subcommand> [arguments]". Each subcommand lives in
 * its own cmd_<name>.c and is listed in cmds[] below; cli.c holds what they
 * share (value parsing, messages, exit codes).
 */
#include <string.h>
#include "cli.h"

#ifndef VCM_VERSION
#define VCM_VERSION "unknown"
#endif

static const struct cli_cmd *const cmds[] = {
	&cli_cmd_pt,
	&cli_cmd_run,
	&cli_cmd_graph,
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: vcm <command> [arguments]\n"
		     "       vcm help [command]\n"
		     "       vcm --version\n"
		     "commands:\n");
	for (size_t i = 0; i < N_CMDS; i++)
		fprintf(out, "  %-8s %s\n", cmds[i]->name, cmds[i]->summary);
}

static const struct cli_cmd *find(const char *name)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (strcmp(cmds[i]->name, name) == 0)
			return cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0) {
		if (argc > 2) {
			fprintf(stderr, "vcm --version: %s: unexpected argument\n", argv[2]);
			return CLI_EXIT_USAGE;
		}
		printf("vcm %s\n", VCM_VERSION);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		if (argc == 2) {
			usage(stdout);
			return CLI_EXIT_OK;
		}
		cmd = find(argv[2]);
		if (cmd == NULL) {
			usage(stderr);
			fprintf(stderr, "vcm help: %s: no such command\n", argv[2]);
			return CLI_EXIT_USAGE;
		}
		if (argc > 3) {
			fprintf(stderr, "vcm help: %s: unexpected argument (vcm help takes one "
				"command)\n", argv[3]);
			return CLI_EXIT_USAGE;
		}
		cmd->usage(stdout);
		return CLI_EXIT_OK;
	}
	cmd = find(argv[1]);
	if (cmd == NULL) {
		usage(stderr);
		fprintf(stderr, "vcm: %s: no such command\n", argv[1]);
		return CLI_EXIT_USAGE;
	}
	/* "vcm CMD --help" anywhere on the line is the same as "vcm help CMD". */
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cmd->usage(stdout);
			return CLI_EXIT_OK;
		}
	return cmd->run(argc - 2, argv + 2);
}
