/* SPDX-License-Identifier: MIT */
/*
 * What the vcm subcommands share: the table entry each one provides, exit
 * codes, and parsers for option values that refuse anything they cannot read
 * whole, with a message naming the option and its value.
 */
#ifndef VCM_TOOLS_CLI_H
#define VCM_TOOLS_CLI_H

#include <stdint.h>
#include <stdio.h>

/*
 * Exit codes of every subcommand. 1 is an answer about the input (a step the
 * library refused, a malformed dump, a bad clip); 2 says the command could
 * not be carried out as given, like grep's and diff's 2.
 */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILED = 1, /* a step was refused by the library: the message says why */
	CLI_EXIT_USAGE = 2,  /* the command line is wrong, or a file it names cannot be
			      * read or written */
};

/*
 * struct cli_cmd - one subcommand, listed in main.c.
 * @name:    what follows "vcm" on the command line.
 * @summary: one line for "vcm help".
 * @run:     the subcommand with its own arguments (argv[0] is the first one
 *           after @name); returns a CLI_EXIT_* code.
 * @usage:   prints the subcommand's help.
 */
struct cli_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
};

extern const struct cli_cmd cli_cmd_pt;
extern const struct cli_cmd cli_cmd_run;
extern const struct cli_cmd cli_cmd_graph;

/* vcm pt decode (cmd_pt_decode.c): arguments after "decode"; a CLI_EXIT_* code. */
int cli_pt_decode(int argc, char **argv);

/*
 * struct cli_arg - the option whose value is being read, for messages, which
 * read "vcm <cmd>: <opt> <val>: <what is wrong>".
 */
struct cli_arg {
	const char *cmd;
	const char *opt;
	const char *val;
};

/* cli_error() - print the message for @a to stderr. Returns CLI_EXIT_USAGE. */
int cli_error(const struct cli_arg *a, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/*
 * cli_last_error() - the last message cli_error() printed, without the
 * "vcm <cmd>: " in front ("<opt> <val>: <what is wrong>"), cut to 8191
 * bytes; "" before the first. For a JSON error object on stdout.
 */
const char *cli_last_error(void);

/*
 * cli_need_value() - check that the option @a->opt has a value @a->val: not
 * missing, and not an option itself (anything starting with "--", so that
 * "--out --json" does not make a folder named --json; a file of such a name
 * is given as ./--name). Return: 0, or CLI_EXIT_USAGE after the message
 * "<opt>: needs a value".
 */
int cli_need_value(const struct cli_arg *a);

/*
 * cli_make_dir() - create @path and its missing parents (mkdir -p).
 * @opt:  the option that named it, for the message ("--out").
 * @made: receives the first folder this call created, "" if none, so that a
 *        refused command can take away what it made; may be NULL.
 *
 * Return: 0, or -1 with the message in @err.
 */
int cli_make_dir(const char *opt, const char *path, char *made, size_t madelen, char *err,
		 size_t errlen);

/*
 * cli_remove_made() - take away the folders cli_make_dir() created for
 * @path (@made: the first of them), deepest first, as long as they are
 * empty, so that a command refused before it wrote anything leaves nothing.
 */
void cli_remove_made(const char *path, const char *made);

/*
 * cli_parse_u64() - read all of @s as one unsigned number: decimal, 0x hex or
 * 0 octal, then an optional k, m or g suffix (KiB, MiB, GiB; either case).
 * @name: what the number is ("DA", "LEN"), for the message.
 *
 * Refuses, with a message: an empty string, a sign or space in front, a value
 * (suffix included) past 2^64 - 1, and anything after the number.
 * Return: 0, or CLI_EXIT_USAGE after the message.
 */
int cli_parse_u64(const struct cli_arg *a, const char *name, const char *s, uint64_t *out);
/*
 * cli_parse_range() - cli_parse_u64() for a number that must lie in
 * [@lo, @hi]; anything outside, too large for 64 bits included, is refused
 * with "NAME must be between LO and HI".
 */
int cli_parse_range(const struct cli_arg *a, const char *name, const char *s, uint64_t lo,
		    uint64_t hi, uint64_t *out);

/*
 * cli_split() - cut a copy of @a->val at each ':' into @f[0..max-1].
 * @buf, @len: room for the copy (the fields point into it).
 * @form:      the expected shape ("DA:PA:LEN[:PROT]"), for the message.
 *
 * Return: the number of fields, between @min and @max; or -1 after a message
 * when there are fewer or more, or the value does not fit @buf.
 */
int cli_split(const struct cli_arg *a, char *buf, size_t len, char **f, unsigned int min,
	      unsigned int max, const char *form);

#endif /* VCM_TOOLS_CLI_H */
