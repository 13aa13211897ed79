// SPDX-License-Identifier: MIT
/*
 * vcm pt: build a page table in a chosen format from --map/--unmap steps,
 * then translate addresses, print the leaves and the register values a
 * driver would program.
 *
 *   vcm pt --fmt armv8 --granule 4k --ias 48 --map 0x1000:0x80000000:0x200000:rw \
 *          --unmap 0x2000:0x1000 --lookup 0x3000 --leaves --regs
 *
 * Options shape the table and come first; steps run in order on it. The
 * whole command line is read before the table is made or any step runs, so
 * a bad one (exit 2) has done nothing. The first step the library refuses
 * stops the command with its message (exit 1); a file --dump or --emit-c
 * cannot write stops it like a bad argument (exit 2).
 * --dump and --emit-c write the table memory out (pt/image.c, pt/emit_c.c);
 * "vcm pt decode" reads such memory back with an independent decoder
 * (cmd_pt_decode.c, pt/decode*.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/err.h>
#include <vcm/hosted.h>
#include <vcm/pgtable.h>
#include "cli.h"
#include "pt/emit_c.h"
#include "pt/image.h"
#include "pt/opts.h"

/*
 * Table memory for any table the options allow (only the pages tables touch
 * take memory). A build may choose less (the command line fuzz harness does,
 * so that no input dumps megabytes); a table that outgrows it is refused with
 * -ENOMEM like any other allocation failure.
 */
#ifndef VCM_PT_ARENA_LEN
#define VCM_PT_ARENA_LEN (UINT64_C(256) << 20)
#endif
#define ARENA_LEN ((uint64_t)(VCM_PT_ARENA_LEN))
#define ARENA_PA  UINT64_C(0x40000000) /* default --base */

/* What the steps work on; @check: only read each step's value, do nothing. */
struct pt_ctx {
	struct vcm_pt *pt;
	struct pt_image image;
	bool check;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vcm pt [options] [steps]\n"
		"       vcm pt decode --fmt F [options] --base PA [--root PA] [--json] DUMP.bin\n"
		"options:\n"
		"  --fmt F                page-table format (default armv8):\n");
	pt_fmt_help(out);
	fprintf(out,
		"  --granule 4k|16k|64k   armv8 granule (default 4k)\n"
		"  --ias N, --oas N       input / output address bits\n"
		"  --stage2               armv8 stage 2, riscv G-stage (x4) table: sv39, sv48,\n"
		"                         sv57 then mean 41, 50, 59 input bits\n"
		"  --secure               table walked in the Secure state (armv7s, armv8 stage 1)\n"
		"  --svnapot, --svpbmt    riscv extensions (64 KiB NAPOT pages, memory types)\n"
		"  --dirty                writable leaves start clean for hardware dirty tracking\n"
		"  --base PA              physical address of the table memory (default 0x40000000)\n"
		"steps, done in order:\n"
		"  --map DA:PA:LEN[:PROT] PROT letters: r w x u(ser) g(=nonglobal) s(ecure) d(evice)\n"
		"  --unmap DA:LEN\n"
		"  --lookup DA            translate one address (\"fault\" if nothing maps it)\n"
		"  --leaves               print every leaf\n"
		"  --regs                 print the register values to program\n"
		"  --dump FILE            write the table memory (lowest to highest table) to FILE\n"
		"                         and print its base, size and the root\n"
		"  --emit-c NAME[:FILE]   write it as C (array NAME_tables, NAME_* macros) to FILE\n"
		"                         or stdout\n"
		"decode: read a raw memory dump whose first byte is at --base, from the root\n"
		"  table at --root (default --base); print every leaf and anything malformed.\n"
		"  Format options as above, plus --start-level N (armv8 stage 2: VTCR.SL0's level).\n"
		"numbers: decimal, 0x hex or 0 octal, with an optional k, m or g suffix.\n"
		"exit: 0 done (decode: clean), 1 the library refused a step (decode: something\n"
		"  malformed), 2 bad command line, or a file that cannot be read (the dump) or\n"
		"  written (--dump, --emit-c).\n");
}

static int parse_prot(const struct cli_arg *a, const char *s, unsigned int *prot)
{
	if (*s == '\0')
		return cli_error(a, "PROT is empty (leave out the last ':' for read-only)");
	*prot = VCM_PT_PROT_READ;
	for (; *s != '\0'; s++) {
		switch (*s) {
		case 'r': break;
		case 'w': *prot |= VCM_PT_PROT_WRITE; break;
		case 'x': *prot |= VCM_PT_PROT_EXEC; break;
		case 'u': *prot |= VCM_PT_PROT_USER; break;
		case 'g': *prot |= VCM_PT_PROT_NONGLOBAL; break;
		case 's': *prot |= VCM_PT_PROT_SECURE; break;
		case 'd': *prot |= VCM_PT_PROT_DEVICE; break;
		default:
			return cli_error(a, "PROT letter '%c' is not one of r w x u g s d", *s);
		}
	}
	return 0;
}

/* The library refused a step: its message, which names the call and the argument. */
static int refused(const struct cli_arg *a, struct vcm_pt *pt, int err)
{
	fprintf(stderr, "vcm %s: %s%s%s: %s (%s)\n", a->cmd, a->opt, a->val != NULL ? " " : "",
		a->val != NULL ? a->val : "", vcm_pt_last_error(pt), vcm_strerror(err));
	return CLI_EXIT_FAILED;
}

static int print_leaf(void *arg, const struct vcm_pt_leaf *l)
{
	(void)arg;
	printf("leaf da %#llx pa %#llx size %#llx level %u%s prot %#x\n",
	       (unsigned long long)l->da, (unsigned long long)l->pa,
	       (unsigned long long)(UINT64_C(1) << l->size_lg2), l->level,
	       l->contig ? " contiguous" : "", l->prot);
	return 0;
}

/* Table options, up to the first step; *@next is the index of that step. */
static int parse_options(int argc, char **argv, struct pt_opts *o, int *next)
{
	int i, ret;

	for (i = 0; i < argc; i++) {
		ret = pt_opt(argc, argv, &i, o, false, "pt");
		if (ret == 0)
			break; /* a step */
		if (ret != 1)
			return ret;
	}
	*next = i;
	return 0;
}

static int step_map(const struct cli_arg *a, struct pt_ctx *c)
{
	struct vcm_pt *pt = c->pt;
	char buf[256], *f[4];
	uint64_t da, pa, len;
	unsigned int prot = VCM_PT_PROT_READ;
	int n, ret;

	n = cli_split(a, buf, sizeof(buf), f, 3, 4, "DA:PA:LEN[:PROT]");
	if (n < 0 || cli_parse_u64(a, "DA", f[0], &da) != 0 ||
	    cli_parse_u64(a, "PA", f[1], &pa) != 0 || cli_parse_u64(a, "LEN", f[2], &len) != 0 ||
	    (n == 4 && parse_prot(a, f[3], &prot) != 0))
		return CLI_EXIT_USAGE;
	if (c->check)
		return 0;
	ret = vcm_pt_map(pt, da, pa, len, prot);
	return ret != 0 ? refused(a, pt, ret) : 0;
}

static int step_unmap(const struct cli_arg *a, struct pt_ctx *c)
{
	struct vcm_pt *pt = c->pt;
	char buf[256], *f[2];
	uint64_t da, len;
	int ret;

	if (cli_split(a, buf, sizeof(buf), f, 2, 2, "DA:LEN") < 0 ||
	    cli_parse_u64(a, "DA", f[0], &da) != 0 || cli_parse_u64(a, "LEN", f[1], &len) != 0)
		return CLI_EXIT_USAGE;
	if (c->check)
		return 0;
	ret = vcm_pt_unmap(pt, da, len, NULL);
	return ret != 0 ? refused(a, pt, ret) : 0;
}

static int step_lookup(const struct cli_arg *a, struct pt_ctx *c)
{
	struct vcm_pt *pt = c->pt;
	struct vcm_pt_leaf l;
	uint64_t da;
	int ret;

	if (cli_parse_u64(a, "DA", a->val, &da) != 0)
		return CLI_EXIT_USAGE;
	if (c->check)
		return 0;
	ret = vcm_pt_lookup(pt, da, &l);
	if (ret == -ENOENT) {
		/* nothing maps it: the answer, what the hardware would report */
		printf("lookup %#llx: fault\n", (unsigned long long)da);
		return 0;
	}
	if (ret != 0)
		return refused(a, pt, ret);
	printf("lookup %#llx: pa %#llx (leaf %#llx bytes, prot %#x)\n", (unsigned long long)da,
	       (unsigned long long)(l.pa + (da - l.da)),
	       (unsigned long long)(UINT64_C(1) << l.size_lg2), l.prot);
	return 0;
}

static int step_leaves(const struct cli_arg *a, struct pt_ctx *c)
{
	struct vcm_pt *pt = c->pt;
	unsigned int ias;
	uint64_t len;
	int ret;

	if (c->check)
		return 0;
	ias = vcm_pt_ias(pt);
	/* the whole input space; a 64-bit one cannot be one len, so its last byte is left out */
	len = ias >= 64U ? UINT64_MAX : UINT64_C(1) << ias;
	ret = vcm_pt_walk(pt, 0, len, print_leaf, NULL);
	return ret != 0 ? refused(a, pt, ret) : 0;
}

static int step_regs(const struct cli_arg *a, struct pt_ctx *c)
{
	struct vcm_pt *pt = c->pt;
	struct vcm_hw_regs hw;
	int ret;

	if (c->check)
		return 0;
	ret = vcm_pt_hw(pt, &hw);
	if (ret != 0)
		return refused(a, pt, ret);
	printf("root %#llx (%#llx bytes), %u levels from level %u, %u concatenated\n",
	       (unsigned long long)hw.root_pa, (unsigned long long)hw.root_size, hw.levels,
	       hw.start_level, hw.concat);
	for (int r = 0; r < 3; r++)
		if (hw.reg_names[r] != NULL && hw.reg_names[r][0] != '\0')
			printf("%s = %#llx\n", hw.reg_names[r], (unsigned long long)hw.regs[r]);
	return 0;
}

/* The table memory as one image; NULL after a message if there is none. */
static uint8_t *image(const struct cli_arg *a, struct pt_ctx *c, uint64_t *base, uint64_t *len)
{
	uint8_t *img = pt_image_get(&c->image, base, len);

	if (img == NULL)
		fprintf(stderr, "vcm pt: %s: no memory for the image of the table\n", a->opt);
	return img;
}

static int step_dump(const struct cli_arg *a, struct pt_ctx *c)
{
	struct vcm_hw_regs hw;
	uint64_t base, len;
	uint8_t *img;
	FILE *f;
	int ret;

	if (c->check)
		return 0; /* any name: whether it can be written is known by writing it */
	ret = vcm_pt_hw(c->pt, &hw);
	if (ret != 0)
		return refused(a, c->pt, ret);
	img = image(a, c, &base, &len);
	if (img == NULL)
		return CLI_EXIT_FAILED;
	f = fopen(a->val, "wb");
	ret = f == NULL || fwrite(img, 1, (size_t)len, f) != len;
	if (f != NULL && fclose(f) != 0)
		ret = 1;
	free(img);
	if (ret != 0) {
		fprintf(stderr, "vcm pt: --dump %s: cannot write the file\n", a->val);
		return CLI_EXIT_USAGE;
	}
	printf("dump %s: base %#llx bytes %#llx root %#llx\n", a->val, (unsigned long long)base,
	       (unsigned long long)len, (unsigned long long)hw.root_pa);
	return 0;
}

static int step_emit_c(const struct cli_arg *a, struct pt_ctx *c)
{
	char name[64];
	const char *colon = strchr(a->val, ':'), *path = colon != NULL ? colon + 1 : NULL;
	size_t n = colon != NULL ? (size_t)(colon - a->val) : strlen(a->val);
	struct vcm_hw_regs hw;
	uint64_t base, len;
	uint8_t *img;
	FILE *f = stdout;
	int ret;

	if (n >= sizeof(name))
		return cli_error(a, "NAME is longer than 48 characters");
	memcpy(name, a->val, n);
	name[n] = '\0';
	if (!pt_c_name_ok(name))
		return cli_error(a, "NAME \"%s\" is not a C identifier of up to 48 characters", name);
	if (path != NULL && *path == '\0')
		return cli_error(a, "FILE is empty (leave out the ':' for stdout)");
	if (c->check)
		return 0;
	ret = vcm_pt_hw(c->pt, &hw);
	if (ret != 0)
		return refused(a, c->pt, ret);
	img = image(a, c, &base, &len);
	if (img == NULL)
		return CLI_EXIT_FAILED;
	if (path != NULL)
		f = fopen(path, "w");
	if (f != NULL) {
		pt_emit_c(f, name, img, base, len, &hw);
		/* flushed first: a small text may still sit in stdio's buffer, its
		 * write not yet tried (stdout is not closed here) */
		ret = fflush(f) != 0 || ferror(f);
		if (f != stdout && fclose(f) != 0)
			ret = 1;
	}
	free(img);
	if (f == NULL || ret != 0) {
		fprintf(stderr, "vcm pt: --emit-c %s: cannot write %s\n", a->val,
			path != NULL ? path : "stdout");
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static const struct {
	const char *opt;
	bool has_val;
	int (*run)(const struct cli_arg *a, struct pt_ctx *c);
} steps[] = {
	{ "--map", true, step_map },	     { "--unmap", true, step_unmap },
	{ "--lookup", true, step_lookup },   { "--leaves", false, step_leaves },
	{ "--regs", false, step_regs },	     { "--dump", true, step_dump },
	{ "--emit-c", true, step_emit_c },
};

/* One step at argv[*i] (with @c->check, only read); moves *i past its value. */
static int run_step(int argc, char **argv, int *i, struct pt_ctx *c)
{
	struct cli_arg a = { "pt", argv[*i], NULL };

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		if (strcmp(a.opt, steps[s].opt) != 0)
			continue;
		if (steps[s].has_val) {
			a.val = *i + 1 < argc ? argv[*i + 1] : NULL;
			if (cli_need_value(&a) != 0)
				return CLI_EXIT_USAGE;
			++*i;
		}
		return steps[s].run(&a, c);
	}
	/*
	 * An option of the table, late: say so rather than "unknown", whatever
	 * its value (not read: a bad one would give a second message).
	 */
	if (pt_is_opt(a.opt, false))
		return cli_error(&a, "an option of the table: give it before the first step");
	usage(stderr);
	return cli_error(&a, "unknown argument");
}

static int cmd_pt(int argc, char **argv)
{
	struct pt_opts o = { 0 };
	struct vcm_pt_cfg cfg = { 0 };
	struct vcm_plat_arena *arena;
	struct vcm_plat_ops ops;
	struct pt_ctx c = { 0 };
	struct vcm_diag d = { 0 };
	int i = 0, ret;

	if (argc >= 1 && strcmp(argv[0], "decode") == 0)
		return cli_pt_decode(argc - 1, argv + 1);
	ret = parse_options(argc, argv, &o, &i);
	if (ret != 0)
		return ret;
	/* the default format first, so that its own checks refuse what it has no use for */
	if (o.fmt == NULL)
		for (o.fmt = pt_fmt_names; strcmp(o.fmt->name, "armv8") != 0; o.fmt++)
			;
	ret = pt_opts_done(&o, "pt");
	if (ret != 0)
		return ret;
	if (o.have_base && (o.base % 1024U != 0U || o.base > UINT64_MAX - ARENA_LEN)) {
		fprintf(stderr, "vcm pt: --base %#llx: not 1 KiB-aligned, or the %llu MiB of table "
			"memory would pass 2^64\n", (unsigned long long)o.base,
			(unsigned long long)(ARENA_LEN >> 20));
		return CLI_EXIT_USAGE;
	}
	/*
	 * Every step read before the table is made and the first one runs (a bad
	 * value, an unknown argument, a table option after a step): a bad command
	 * line has then written no file and printed nothing.
	 */
	c.check = true;
	for (int j = i; j < argc; j++) {
		ret = run_step(argc, argv, &j, &c);
		if (ret != 0)
			return ret;
	}
	c.check = false;
	cfg.fmt = o.fmt->fmt;
	cfg.ias = o.ias;
	cfg.oas = o.oas;
	cfg.granule_lg2 = o.granule_lg2;
	cfg.flags = (o.stage2 ? VCM_PT_CFG_STAGE2 : 0U) | (o.secure ? VCM_PT_CFG_SECURE : 0U) |
		    (o.svnapot ? VCM_PT_CFG_RISCV_SVNAPOT : 0U) |
		    (o.svpbmt ? VCM_PT_CFG_RISCV_SVPBMT : 0U) | (o.dirty ? VCM_PT_CFG_DIRTY : 0U);
	arena = vcm_plat_hosted_arena_new(ARENA_LEN, o.have_base ? o.base : ARENA_PA);
	if (arena == NULL) {
		fprintf(stderr, "vcm pt: no memory for a %llu MiB table arena\n",
			(unsigned long long)(ARENA_LEN >> 20));
		return CLI_EXIT_FAILED;
	}
	vcm_plat_arena_ops(arena, &ops);
	pt_image_init(&c.image, &ops);
	cfg.plat = &c.image.ops;
	ret = vcm_pt_create(&cfg, &c.pt, &d);
	if (ret == -ERANGE && o.have_base) {
		/* the table memory --base places is past what the format can point at */
		fprintf(stderr, "vcm pt: --base %#llx: %s (%s)\n", (unsigned long long)o.base,
			d.msg, vcm_strerror(ret));
		ret = CLI_EXIT_USAGE;
	} else if (ret != 0) {
		fprintf(stderr, "vcm pt: %s (%s)\n", d.msg, vcm_strerror(ret));
		ret = ret == -EINVAL || ret == -EOPNOTSUPP ? CLI_EXIT_USAGE : CLI_EXIT_FAILED;
	}
	for (; ret == 0 && i < argc; i++)
		ret = run_step(argc, argv, &i, &c);
	vcm_pt_destroy(c.pt);
	pt_image_fini(&c.image);
	vcm_plat_hosted_arena_delete(arena);
	return ret;
}

const struct cli_cmd cli_cmd_pt = {
	.name = "pt",
	.summary = "build a page table from map/unmap steps; look up, list leaves, print "
		   "registers, dump it, write it as C; decode a dump",
	.run = cmd_pt,
	.usage = usage,
};
