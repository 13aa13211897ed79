// SPDX-License-Identifier: MIT
/*
 * vcm pt: build a page table in a chosen format from --map/--unmap steps,
 * then translate addresses, print the leaves and the register values a
 * driver would program.
 *
 *   vcm pt --fmt armv8 --granule 4k --ias 48 --map 0x1000:0x80000000:0x200000:rw \
 *          --unmap 0x2000:0x1000 --lookup 0x3000 --leaves --regs
 *
 * Options shape the table and come first; steps run in order on it. The first
 * step the library refuses stops the command with its message (exit 1).
 */
#include <errno.h>
#include <string.h>
#include <vcm/err.h>
#include <vcm/hosted.h>
#include <vcm/pgtable.h>
#include "cli.h"

#define ARENA_LEN (UINT64_C(256) << 20) /* table memory for any table the options allow */
#define ARENA_PA  UINT64_C(0x40000000)

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vcm pt [options] [steps]\n"
		"options:\n"
		"  --fmt armv7s|armv8     page-table format (default armv8)\n"
		"  --granule 4k|16k|64k   armv8 granule (default 4k)\n"
		"  --ias N, --oas N       input / output address bits\n"
		"  --stage2               armv8 stage 2 table\n"
		"  --secure               table walked in the Secure state\n"
		"steps, done in order:\n"
		"  --map DA:PA:LEN[:PROT] PROT letters: r w x u(ser) g(=nonglobal) s(ecure) d(evice)\n"
		"  --unmap DA:LEN\n"
		"  --lookup DA            translate one address (\"fault\" if nothing maps it)\n"
		"  --leaves               print every leaf\n"
		"  --regs                 print the register values to program\n"
		"numbers: decimal, 0x hex or 0 octal, with an optional k, m or g suffix.\n"
		"exit: 0 done, 1 the library refused a step, 2 bad command line.\n");
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
static int parse_options(int argc, char **argv, struct vcm_pt_cfg *cfg, int *next)
{
	int i;

	for (i = 0; i < argc; i++) {
		struct cli_arg a = { "pt", argv[i], i + 1 < argc ? argv[i + 1] : NULL };
		uint64_t n;

		if (strcmp(a.opt, "--stage2") == 0) {
			cfg->flags |= VCM_PT_CFG_STAGE2;
			continue;
		}
		if (strcmp(a.opt, "--secure") == 0) {
			cfg->flags |= VCM_PT_CFG_SECURE;
			continue;
		}
		if (strcmp(a.opt, "--fmt") != 0 && strcmp(a.opt, "--granule") != 0 &&
		    strcmp(a.opt, "--ias") != 0 && strcmp(a.opt, "--oas") != 0)
			break; /* a step */
		if (a.val == NULL)
			return cli_error(&a, "needs a value");
		i++;
		if (strcmp(a.opt, "--fmt") == 0) {
			if (strcmp(a.val, "armv7s") == 0)
				cfg->fmt = &vcm_pt_fmt_armv7s;
			else if (strcmp(a.val, "armv8") == 0)
				cfg->fmt = &vcm_pt_fmt_armv8;
			else
				return cli_error(&a, "not armv7s or armv8");
		} else if (strcmp(a.opt, "--granule") == 0) {
			if (cli_parse_u64(&a, "granule", a.val, &n) != 0)
				return CLI_EXIT_USAGE;
			if (n != 4096 && n != 16384 && n != 65536)
				return cli_error(&a, "not 4k, 16k or 64k");
			cfg->granule_lg2 = (unsigned int)__builtin_ctzll(n);
		} else {
			if (cli_parse_u64(&a, "bit count", a.val, &n) != 0)
				return CLI_EXIT_USAGE;
			if (n > 64)
				return cli_error(&a, "more than 64 bits");
			*(a.opt[2] == 'i' ? &cfg->ias : &cfg->oas) = (unsigned int)n;
		}
	}
	*next = i;
	return 0;
}

static int step_map(const struct cli_arg *a, struct vcm_pt *pt)
{
	char buf[256], *f[4];
	uint64_t da, pa, len;
	unsigned int prot = VCM_PT_PROT_READ;
	int n, ret;

	n = cli_split(a, buf, sizeof(buf), f, 3, 4, "DA:PA:LEN[:PROT]");
	if (n < 0 || cli_parse_u64(a, "DA", f[0], &da) != 0 ||
	    cli_parse_u64(a, "PA", f[1], &pa) != 0 || cli_parse_u64(a, "LEN", f[2], &len) != 0 ||
	    (n == 4 && parse_prot(a, f[3], &prot) != 0))
		return CLI_EXIT_USAGE;
	ret = vcm_pt_map(pt, da, pa, len, prot);
	return ret != 0 ? refused(a, pt, ret) : 0;
}

static int step_unmap(const struct cli_arg *a, struct vcm_pt *pt)
{
	char buf[256], *f[2];
	uint64_t da, len;
	int ret;

	if (cli_split(a, buf, sizeof(buf), f, 2, 2, "DA:LEN") < 0 ||
	    cli_parse_u64(a, "DA", f[0], &da) != 0 || cli_parse_u64(a, "LEN", f[1], &len) != 0)
		return CLI_EXIT_USAGE;
	ret = vcm_pt_unmap(pt, da, len, NULL);
	return ret != 0 ? refused(a, pt, ret) : 0;
}

static int step_lookup(const struct cli_arg *a, struct vcm_pt *pt)
{
	struct vcm_pt_leaf l;
	uint64_t da;
	int ret;

	if (cli_parse_u64(a, "DA", a->val, &da) != 0)
		return CLI_EXIT_USAGE;
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

static int step_leaves(const struct cli_arg *a, struct vcm_pt *pt)
{
	unsigned int ias = vcm_pt_ias(pt);
	/* the whole input space; a 64-bit one cannot be one len, so its last byte is left out */
	uint64_t len = ias >= 64U ? UINT64_MAX : UINT64_C(1) << ias;
	int ret = vcm_pt_walk(pt, 0, len, print_leaf, NULL);

	return ret != 0 ? refused(a, pt, ret) : 0;
}

static int step_regs(const struct cli_arg *a, struct vcm_pt *pt)
{
	struct vcm_hw_regs hw;
	int ret = vcm_pt_hw(pt, &hw);

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

static const struct {
	const char *opt;
	bool has_val;
	int (*run)(const struct cli_arg *a, struct vcm_pt *pt);
} steps[] = {
	{ "--map", true, step_map },	     { "--unmap", true, step_unmap },
	{ "--lookup", true, step_lookup },   { "--leaves", false, step_leaves },
	{ "--regs", false, step_regs },
};

/* One step at argv[*i]; moves *i past its value. */
static int run_step(int argc, char **argv, int *i, struct vcm_pt *pt)
{
	struct cli_arg a = { "pt", argv[*i], NULL };

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		if (strcmp(a.opt, steps[s].opt) != 0)
			continue;
		if (steps[s].has_val) {
			if (*i + 1 >= argc)
				return cli_error(&a, "needs a value");
			a.val = argv[++*i];
		}
		return steps[s].run(&a, pt);
	}
	if (strcmp(a.opt, "--fmt") == 0 || strcmp(a.opt, "--granule") == 0 ||
	    strcmp(a.opt, "--ias") == 0 || strcmp(a.opt, "--oas") == 0 ||
	    strcmp(a.opt, "--stage2") == 0 || strcmp(a.opt, "--secure") == 0)
		return cli_error(&a, "an option of the table: give it before the first step");
	usage(stderr);
	return cli_error(&a, "unknown argument");
}

static int cmd_pt(int argc, char **argv)
{
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv8 };
	struct vcm_plat_arena *arena;
	struct vcm_plat_ops ops;
	struct vcm_pt *pt = NULL;
	struct vcm_diag d = { 0 };
	int i = 0, ret;

	if (argc == 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	ret = parse_options(argc, argv, &cfg, &i);
	if (ret != 0)
		return ret;
	arena = vcm_plat_hosted_arena_new(ARENA_LEN, ARENA_PA);
	if (arena == NULL) {
		fprintf(stderr, "vcm pt: no memory for a %llu MiB table arena\n",
			(unsigned long long)(ARENA_LEN >> 20));
		return CLI_EXIT_FAILED;
	}
	vcm_plat_arena_ops(arena, &ops);
	cfg.plat = &ops;
	ret = vcm_pt_create(&cfg, &pt, &d);
	if (ret != 0) {
		fprintf(stderr, "vcm pt: %s (%s)\n", d.msg, vcm_strerror(ret));
		ret = ret == -EINVAL || ret == -EOPNOTSUPP ? CLI_EXIT_USAGE : CLI_EXIT_FAILED;
	}
	for (; ret == 0 && i < argc; i++)
		ret = run_step(argc, argv, &i, pt);
	vcm_pt_destroy(pt);
	vcm_plat_hosted_arena_delete(arena);
	return ret;
}

const struct cli_cmd cli_cmd_pt = {
	.name = "pt",
	.summary = "build a page table from map/unmap steps; look up, list leaves, print registers",
	.run = cmd_pt,
	.usage = usage,
};
