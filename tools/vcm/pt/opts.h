/* SPDX-License-Identifier: MIT */
/*
 * The options that describe a table, shared by `vcm pt` (which builds one)
 * and `vcm pt decode` (which reads one): the format names and their
 * parameters.
 */
#ifndef VCM_TOOLS_PT_OPTS_H
#define VCM_TOOLS_PT_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <vcm/pgtable.h>
#include "decode.h"

/*
 * struct pt_fmt_name - one name --fmt takes.
 * @name: as typed.
 * @fmt:  the library's format.
 * @arch: the decoder's format.
 * @ias:  input bits the name implies (sv48: 48; two more with --stage2), 0 = none.
 * @what: one line for the help.
 */
struct pt_fmt_name {
	const char *name;
	const struct vcm_pt_fmt *fmt;
	enum pt_arch arch;
	unsigned int ias;
	const char *what;
};

/* Every --fmt name; terminated by a NULL name. */
extern const struct pt_fmt_name pt_fmt_names[];

/* struct pt_opts - what the options said; zero = not given. */
struct pt_opts {
	const struct pt_fmt_name *fmt;
	unsigned int ias, oas, granule_lg2, start_level;
	bool stage2, secure, svnapot, svpbmt, json, dirty;
	bool have_base, have_root;
	uint64_t base, root;
};

/*
 * pt_opt() - read the table option at @argv[*i], moving *@i past its value.
 * @decode: also take the options of `vcm pt decode` (--root, --start-level,
 *          --json); without it, those of the build (--secure).
 *
 * Return: 1 read, 0 not a table option, CLI_EXIT_USAGE after a message.
 */
int pt_opt(int argc, char **argv, int *i, struct pt_opts *o, bool decode, const char *cmd);

/*
 * pt_is_opt() - whether @s names a table option (of `vcm pt decode` too with
 * @decode), whatever its value: for "give it before the first step".
 */
bool pt_is_opt(const char *s, bool decode);

/*
 * pt_opts_done() - after the last option: the input bits a format name
 * implies (sv39: 39; with --stage2, Sv39x4: 41) into @o->ias, or a message
 * when the --ias given differs; and a message for an option the format has
 * no use for (--granule 16k/64k but armv8, --svnapot/--svpbmt but RISC-V
 * Sv39/48/57, --stage2 but armv8 and RISC-V, --secure but armv7s and armv8
 * stage 1, --start-level but armv8 stage 2), the same for vcm pt and vcm pt
 * decode. With no --fmt (@o->fmt NULL) only --ias is looked at: vcm pt sets
 * its default format first.
 * Return: 0, or CLI_EXIT_USAGE after the message.
 */
int pt_opts_done(struct pt_opts *o, const char *cmd);

/* pt_fmt_help() - the --fmt names, one per line, for a usage text. */
void pt_fmt_help(FILE *out);

#endif /* VCM_TOOLS_PT_OPTS_H */
