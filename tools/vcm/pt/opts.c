// SPDX-License-Identifier: MIT
/*
 * One table from --fmt name to format (the library's and the decoder's), and
 * the parser of the options that shape a table.
 */
#include <string.h>
#include "../cli.h"
#include "opts.h"

const struct pt_fmt_name pt_fmt_names[] = {
	{ "armv7s", &vcm_pt_fmt_armv7s, PT_ARCH_ARMV7S, 0, "ARMv7 short descriptor" },
	{ "armv8", &vcm_pt_fmt_armv8, PT_ARCH_ARMV8, 0,
	  "ARMv8 long descriptor (--granule, --stage2)" },
	{ "x86_64", &vcm_pt_fmt_x86_64, PT_ARCH_X86_64, 0, "x86-64 paging, 4 levels (--ias 57: 5)" },
	{ "vtd", &vcm_pt_fmt_vtd_ss, PT_ARCH_VTD, 0, "Intel VT-d second stage (--ias 39/48/57)" },
	{ "vtd_ss", &vcm_pt_fmt_vtd_ss, PT_ARCH_VTD, 0, "the same as vtd" },
	{ "amdv1", &vcm_pt_fmt_amdv1, PT_ARCH_AMDV1, 0, "AMD IOMMU v1 (--ias 39..64: 3 to 6 levels)" },
	{ "riscv", &vcm_pt_fmt_riscv, PT_ARCH_RISCV, 0, "RISC-V, Sv39 unless --ias 48/57" },
	{ "sv39", &vcm_pt_fmt_riscv, PT_ARCH_RISCV, 39, "RISC-V Sv39 (--stage2: Sv39x4, 41 bits)" },
	{ "sv48", &vcm_pt_fmt_riscv, PT_ARCH_RISCV, 48, "RISC-V Sv48 (--stage2: Sv48x4, 50 bits)" },
	{ "sv57", &vcm_pt_fmt_riscv, PT_ARCH_RISCV, 57, "RISC-V Sv57 (--stage2: Sv57x4, 59 bits)" },
	{ "riscv32", &vcm_pt_fmt_riscv32, PT_ARCH_RISCV32, 0, "RISC-V Sv32 (--stage2: Sv32x4)" },
	{ NULL, NULL, PT_ARCH_ARMV8, 0, NULL },
};

void pt_fmt_help(FILE *out)
{
	for (const struct pt_fmt_name *f = pt_fmt_names; f->name != NULL; f++)
		fprintf(out, "    %-8s %s\n", f->name, f->what);
}

static int bad_fmt(const struct cli_arg *a)
{
	fprintf(stderr, "vcm %s: %s %s: no such format; valid:", a->cmd, a->opt, a->val);
	for (const struct pt_fmt_name *f = pt_fmt_names; f->name != NULL; f++)
		fprintf(stderr, " %s", f->name);
	fputc('\n', stderr);
	return CLI_EXIT_USAGE;
}

static bool is(const char *s, const char *opt)
{
	return strcmp(s, opt) == 0;
}

/* A table option that takes no value. */
static bool is_flag(const char *s, bool decode)
{
	/* --dirty: the decoder reads the dirty state as it finds it; taken so
	 * one option list serves both commands */
	return is(s, "--stage2") || is(s, "--svnapot") || is(s, "--svpbmt") || is(s, "--dirty") ||
	       (!decode && is(s, "--secure")) || (decode && is(s, "--json"));
}

bool pt_is_opt(const char *s, bool decode)
{
	return is_flag(s, decode) || is(s, "--fmt") || is(s, "--granule") || is(s, "--ias") ||
	       is(s, "--oas") || is(s, "--base") ||
	       (decode && (is(s, "--root") || is(s, "--start-level")));
}

int pt_opt(int argc, char **argv, int *i, struct pt_opts *o, bool decode, const char *cmd)
{
	struct cli_arg a = { cmd, argv[*i], *i + 1 < argc ? argv[*i + 1] : NULL };
	uint64_t n;

	if (is_flag(a.opt, decode)) {
		*(is(a.opt, "--stage2") ? &o->stage2 : is(a.opt, "--svnapot") ? &o->svnapot :
		  is(a.opt, "--svpbmt") ? &o->svpbmt : is(a.opt, "--json") ? &o->json :
		  is(a.opt, "--dirty") ? &o->dirty : &o->secure) = true;
		return 1;
	}
	if (!pt_is_opt(a.opt, decode))
		return 0;
	if (cli_need_value(&a) != 0)
		return CLI_EXIT_USAGE;
	++*i;
	if (is(a.opt, "--fmt")) {
		const struct pt_fmt_name *f;

		for (f = pt_fmt_names; f->name != NULL && !is(f->name, a.val); f++)
			;
		if (f->name == NULL)
			return bad_fmt(&a);
		/* the input bits it implies depend on --stage2, maybe still to come: pt_opts_done() */
		o->fmt = f;
	} else if (is(a.opt, "--granule")) {
		if (cli_parse_u64(&a, "granule", a.val, &n) != 0)
			return CLI_EXIT_USAGE;
		if (n != 4096 && n != 16384 && n != 65536)
			return cli_error(&a, "not 4k, 16k or 64k");
		o->granule_lg2 = (unsigned int)__builtin_ctzll(n);
	} else if (is(a.opt, "--base") || is(a.opt, "--root")) {
		if (cli_parse_u64(&a, "PA", a.val, &n) != 0)
			return CLI_EXIT_USAGE;
		*(is(a.opt, "--base") ? &o->base : &o->root) = n;
		*(is(a.opt, "--base") ? &o->have_base : &o->have_root) = true;
	} else if (is(a.opt, "--start-level")) {
		if (cli_parse_range(&a, "level", a.val, 0, 3, &n) != 0)
			return CLI_EXIT_USAGE;
		o->start_level = (unsigned int)n + 1U;
	} else {
		if (cli_parse_u64(&a, "bit count", a.val, &n) != 0)
			return CLI_EXIT_USAGE;
		if (n > 64)
			return cli_error(&a, "more than 64 bits");
		*(a.opt[2] == 'i' ? &o->ias : &o->oas) = (unsigned int)n;
	}
	return 1;
}

int pt_opts_done(struct pt_opts *o, const char *cmd)
{
	const struct pt_fmt_name *f = o->fmt;
	/* the G-stage input is two bits wider than its Sv mode (Sv39x4: 41 bits) */
	unsigned int want = f != NULL && f->ias != 0U ? f->ias + (o->stage2 ? 2U : 0U) : 0U;
	char val[16];
	struct cli_arg a = { cmd, "--ias", val };

	if (want != 0U && o->ias != 0U && o->ias != want) {
		snprintf(val, sizeof(val), "%u", o->ias);
		if (o->stage2)
			return cli_error(&a, "but --fmt %s with --stage2 (Sv%ux4) means %u bits",
					 f->name, f->ias, want);
		return cli_error(&a, "but --fmt %s means %u bits", f->name, want);
	}
	if (want != 0U)
		o->ias = want;
	/*
	 * Options the format has no use for. The library refuses them when vcm pt
	 * builds the table; the decoder would read the dump without them, as if
	 * they had not been given: both commands refuse them here, alike.
	 */
	if (f != NULL && f->arch != PT_ARCH_ARMV8 && o->granule_lg2 != 0U &&
	    o->granule_lg2 != 12U) {
		a.opt = "--granule";
		snprintf(val, sizeof(val), "%uk", 1U << (o->granule_lg2 - 10U));
		return cli_error(&a, "but --fmt %s has 4k granules only (armv8 takes 16k and 64k)",
				 f->name);
	}
	if (f != NULL && f->arch != PT_ARCH_RISCV && (o->svnapot || o->svpbmt)) {
		a.opt = o->svnapot ? "--svnapot" : "--svpbmt";
		a.val = NULL;
		return cli_error(&a, "but --fmt %s is not RISC-V Sv39, Sv48 or Sv57 (riscv, sv39, "
				 "sv48, sv57)", f->name);
	}
	/* the library's refusal of these names cfg->flags, not the option */
	if (f != NULL && o->stage2 && f->arch != PT_ARCH_ARMV8 && f->arch != PT_ARCH_RISCV &&
	    f->arch != PT_ARCH_RISCV32) {
		a.opt = "--stage2";
		a.val = NULL;
		return cli_error(&a, "but --fmt %s has no stage 2 table (armv8, riscv, sv39, sv48, "
				 "sv57 and riscv32 have; vtd is a second stage itself)", f->name);
	}
	if (f != NULL && o->secure && (f->arch != PT_ARCH_ARMV7S && f->arch != PT_ARCH_ARMV8)) {
		a.opt = "--secure";
		a.val = NULL;
		return cli_error(&a, "but --fmt %s has no Secure state (armv7s and armv8 stage 1 "
				 "have)", f->name);
	}
	if (f != NULL && o->secure && o->stage2) {
		a.opt = "--secure";
		a.val = NULL;
		return cli_error(&a, "but a --stage2 table has no Secure state (armv7s and armv8 "
				 "stage 1 have)");
	}
	/* VTCR_EL2.SL0: the other formats start where their levels say, and would ignore it */
	if (f != NULL && o->start_level != 0U && (f->arch != PT_ARCH_ARMV8 || !o->stage2)) {
		a.opt = "--start-level";
		snprintf(val, sizeof(val), "%u", o->start_level - 1U);
		return cli_error(&a, "but --fmt %s%s takes no start level (armv8 with --stage2 only: "
				 "VTCR_EL2.SL0's level)", f->name,
				 o->stage2 ? " with --stage2" : f->arch == PT_ARCH_ARMV8 ?
				 " without --stage2" : "");
	}
	return 0;
}
