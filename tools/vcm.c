// SPDX-License-Identifier: MIT
/*
 * The vcm command. For now one subcommand, `vcm pt`: build a page table in a
 * chosen format from --map/--unmap steps, then translate addresses, print the
 * leaves and the register values a driver would program.
 *
 *   vcm pt --fmt armv8 --granule 4k --ias 48 --map 0x1000:0x80000000:0x200000:rw \
 *          --unmap 0x2000:0x1000 --lookup 0x3000 --leaves --regs
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/pgtable.h>
#include <vcm/hosted.h>
#include <vcm/err.h>

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
		"  --lookup DA            translate one address\n"
		"  --leaves               print every leaf\n"
		"  --regs                 print the register values to program\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno != 0 || end == s)
		return -1;
	if (*end == 'k' || *end == 'K')
		*out <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		*out <<= 20, end++;
	else if (*end == 'g' || *end == 'G')
		*out <<= 30, end++;
	return (*end == '\0' || *end == ':') ? (int)(end - s) : -1;
}

/* "A:B[:C]..." into up to @max numbers; returns how many, -1 on a bad one. */
static int parse_fields(const char *s, uint64_t *v, int max, const char **rest)
{
	int n = 0;

	*rest = NULL;
	while (n < max) {
		int used = parse_u64(s, &v[n]);

		if (used < 0)
			return -1;
		n++;
		s += used;
		if (*s != ':')
			return n;
		s++;
		if (n == max) {
			*rest = s;
			return n;
		}
	}
	return n;
}

static int parse_prot(const char *s, unsigned int *prot)
{
	*prot = VCM_PT_PROT_READ;
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case 'r': break;
		case 'w': *prot |= VCM_PT_PROT_WRITE; break;
		case 'x': *prot |= VCM_PT_PROT_EXEC; break;
		case 'u': *prot |= VCM_PT_PROT_USER; break;
		case 'g': *prot |= VCM_PT_PROT_NONGLOBAL; break;
		case 's': *prot |= VCM_PT_PROT_SECURE; break;
		case 'd': *prot |= VCM_PT_PROT_DEVICE; break;
		default: return -1;
		}
	}
	return 0;
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

static int fail(const char *what, const char *arg, const char *why)
{
	fprintf(stderr, "vcm pt: %s %s: %s\n", what, arg, why);
	return 2;
}

static int cmd_pt(int argc, char **argv)
{
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv8 };
	struct vcm_plat_arena *arena;
	struct vcm_plat_ops ops;
	struct vcm_pt *pt = NULL;
	struct vcm_diag d = { 0 };
	int i, ret = 0;

	/* options first: the table must exist before the steps */
	for (i = 0; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n;

		if (strcmp(o, "--stage2") == 0) {
			cfg.flags |= VCM_PT_CFG_STAGE2;
		} else if (strcmp(o, "--secure") == 0) {
			cfg.flags |= VCM_PT_CFG_SECURE;
		} else if (strcmp(o, "--fmt") == 0 && v != NULL) {
			if (strcmp(v, "armv7s") == 0)
				cfg.fmt = &vcm_pt_fmt_armv7s;
			else if (strcmp(v, "armv8") != 0)
				return fail("--fmt", v, "not armv7s or armv8");
			i++;
		} else if (strcmp(o, "--granule") == 0 && v != NULL) {
			if (parse_u64(v, &n) < 0 || (n != 4096 && n != 16384 && n != 65536))
				return fail("--granule", v, "not 4k, 16k or 64k");
			cfg.granule_lg2 = (unsigned int)__builtin_ctzll(n);
			i++;
		} else if ((strcmp(o, "--ias") == 0 || strcmp(o, "--oas") == 0) && v != NULL) {
			if (parse_u64(v, &n) < 0 || n > 64)
				return fail(o, v, "not a bit count");
			*(o[2] == 'i' ? &cfg.ias : &cfg.oas) = (unsigned int)n;
			i++;
		} else {
			break; /* a step */
		}
	}
	arena = vcm_plat_hosted_arena_new(UINT64_C(256) << 20, 0x40000000);
	if (arena == NULL)
		return fail("arena", "256 MiB", "out of memory");
	vcm_plat_arena_ops(arena, &ops);
	cfg.plat = &ops;
	if (vcm_pt_create(&cfg, &pt, &d) != 0) {
		fprintf(stderr, "vcm pt: %s\n", d.msg);
		vcm_plat_hosted_arena_delete(arena);
		return 2;
	}
	for (; i < argc && ret == 0; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL, *rest;
		uint64_t f[3];
		unsigned int prot;
		struct vcm_pt_leaf l;
		struct vcm_pt_hw hw;

		if (strcmp(o, "--map") == 0 && v != NULL) {
			if (parse_fields(v, f, 3, &rest) != 3 || parse_prot(rest, &prot) != 0)
				ret = fail("--map", v, "expected DA:PA:LEN[:PROT]");
			else if (vcm_pt_map(pt, f[0], f[1], f[2], prot) != 0)
				ret = fail("--map", v, vcm_pt_last_error(pt));
			i++;
		} else if (strcmp(o, "--unmap") == 0 && v != NULL) {
			if (parse_fields(v, f, 2, &rest) != 2 || rest != NULL)
				ret = fail("--unmap", v, "expected DA:LEN");
			else if (vcm_pt_unmap(pt, f[0], f[1], NULL) != 0)
				ret = fail("--unmap", v, vcm_pt_last_error(pt));
			i++;
		} else if (strcmp(o, "--lookup") == 0 && v != NULL) {
			if (parse_fields(v, f, 1, &rest) != 1)
				ret = fail("--lookup", v, "expected DA");
			else if (vcm_pt_lookup(pt, f[0], &l) != 0)
				printf("lookup %#llx: fault\n", (unsigned long long)f[0]);
			else
				printf("lookup %#llx: pa %#llx (leaf %#llx bytes, prot %#x)\n",
				       (unsigned long long)f[0],
				       (unsigned long long)(l.pa + (f[0] - l.da)),
				       (unsigned long long)(UINT64_C(1) << l.size_lg2), l.prot);
			i++;
		} else if (strcmp(o, "--leaves") == 0) {
			vcm_pt_walk(pt, 0, UINT64_C(1) << vcm_pt_ias(pt), print_leaf, NULL);
		} else if (strcmp(o, "--regs") == 0) {
			vcm_pt_hw(pt, &hw);
			printf("root %#llx (%#llx bytes), %u levels from level %u, %u concatenated\n",
			       (unsigned long long)hw.root_pa, (unsigned long long)hw.root_size,
			       hw.levels, hw.start_level, hw.concat);
			for (int r = 0; r < 3; r++)
				if (hw.reg_names[r][0] != '\0')
					printf("%s = %#llx\n", hw.reg_names[r],
					       (unsigned long long)hw.regs[r]);
		} else {
			usage(stderr);
			ret = fail("argument", o, "unknown or missing its value");
		}
	}
	vcm_pt_destroy(pt);
	vcm_plat_hosted_arena_delete(arena);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "pt") == 0)
		return cmd_pt(argc - 2, argv + 2);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
