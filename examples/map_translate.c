// SPDX-License-Identifier: MIT
/*
 * Map and translate: the buffers of the 2010 video-playback example, placed in
 * two real page-table formats at once. The video decoder's IOMMU walks ARMv7
 * short descriptors (the MSM System MMU), the display engine's walks ARMv8
 * long descriptors; both see the same 16 MiB frame buffer, built from 1 MiB,
 * 64 KiB and 4 KiB physical chunks, at the same device address. The program
 * prints the leaves each format chose, translates a few addresses, then
 * unmaps part of a block and shows the split.
 */
#include <stdio.h>
#include <stdlib.h>
#include <vcm/pgtable.h>
#include <vcm/hosted.h>

struct chunk {
	vcm_pa_t pa;
	uint64_t len;
};

/* The frame buffer's physical chunks, largest first, as a chunk allocator gives them. */
static const struct chunk frame[] = {
	{ 0x81000000, 0x00f00000 }, /* 15 x 1 MiB, contiguous */
	{ 0x83400000, 0x000f0000 }, /* 15 x 64 KiB */
	{ 0x85002000, 0x00010000 }, /* 16 x 4 KiB */
};

#define FRAME_DA 0x10000000ULL /* aligned to 16 MiB, as step 7 of the example asks */

/* Consecutive leaves of one size and contiguous output print as one line. */
struct run {
	struct vcm_pt_leaf first;
	unsigned int count;
};

static void run_print(struct run *r)
{
	const struct vcm_pt_leaf *l = &r->first;

	if (r->count == 0)
		return;
	printf("    da %#010llx -> pa %#010llx  %3u x %5llu KiB  level %u%s\n",
	       (unsigned long long)l->da, (unsigned long long)l->pa, r->count,
	       (unsigned long long)((1ULL << l->size_lg2) >> 10), l->level,
	       l->contig ? ", contiguous groups" : "");
	r->count = 0;
}

static int print_leaf(void *arg, const struct vcm_pt_leaf *l)
{
	struct run *r = arg;
	uint64_t span = (uint64_t)r->count << r->first.size_lg2;

	if (r->count != 0 && l->size_lg2 == r->first.size_lg2 && l->contig == r->first.contig &&
	    l->da == r->first.da + span && l->pa == r->first.pa + span) {
		r->count++;
		return 0;
	}
	run_print(r);
	r->first = *l;
	r->count = 1;
	return 0;
}

static void print_range(struct vcm_pt *pt, vcm_da_t da, uint64_t len)
{
	struct run r = { .count = 0 };

	vcm_pt_walk(pt, da, len, print_leaf, &r);
	run_print(&r);
}

static void show(const char *who, const char *fmt, struct vcm_pt *pt)
{
	struct vcm_hw_regs hw;

	vcm_pt_hw(pt, &hw);
	printf("%s: %s table at pa %#llx, %u levels, %llu bytes of tables\n", who, fmt,
	       (unsigned long long)hw.root_pa, hw.levels,
	       (unsigned long long)vcm_pt_table_bytes(pt));
	for (int i = 0; i < 3; i++)
		if (hw.reg_names[i][0] != '\0')
			printf("    %-10s = %#llx\n", hw.reg_names[i], (unsigned long long)hw.regs[i]);
	print_range(pt, FRAME_DA, 0x1000000);
}

static int map_frame(struct vcm_pt *pt)
{
	vcm_da_t da = FRAME_DA;

	for (size_t i = 0; i < sizeof(frame) / sizeof(frame[0]); i++) {
		int ret = vcm_pt_map(pt, da, frame[i].pa, frame[i].len,
				     VCM_PT_PROT_READ | VCM_PT_PROT_WRITE);

		if (ret != 0) {
			fprintf(stderr, "map: %s\n", vcm_pt_last_error(pt));
			return ret;
		}
		da += frame[i].len;
	}
	return 0;
}

static void translate(const char *who, struct vcm_pt *pt, vcm_da_t da)
{
	struct vcm_pt_leaf l;

	if (vcm_pt_lookup(pt, da, &l) == 0)
		printf("  %-8s da %#010llx -> pa %#010llx\n", who, (unsigned long long)da,
		       (unsigned long long)(l.pa + (da - l.da)));
	else
		printf("  %-8s da %#010llx -> fault (unmapped)\n", who, (unsigned long long)da);
}

int main(void)
{
	struct vcm_plat_arena *arena = vcm_plat_hosted_arena_new(4 << 20, 0x40000000);
	struct vcm_plat_ops ops;
	struct vcm_pt_cfg v7 = { .fmt = &vcm_pt_fmt_armv7s, .plat = &ops };
	struct vcm_pt_cfg v8 = { .fmt = &vcm_pt_fmt_armv8, .ias = 32, .plat = &ops };
	struct vcm_pt *decoder, *display;
	static const vcm_da_t probes[] = { FRAME_DA, FRAME_DA + 0xf12345, FRAME_DA + 0xff0abc,
					   FRAME_DA + 0x1000000 };
	struct vcm_diag d;

	if (arena == NULL)
		return 1;
	vcm_plat_arena_ops(arena, &ops);
	if (vcm_pt_create(&v7, &decoder, &d) != 0 || vcm_pt_create(&v8, &display, &d) != 0) {
		fprintf(stderr, "create: %s\n", d.msg);
		return 1;
	}
	if (map_frame(decoder) != 0 || map_frame(display) != 0)
		return 1;
	show("video decoder (MSM IOMMU)", "ARMv7 short-descriptor", decoder);
	show("display engine", "ARMv8 4K-granule", display);

	printf("translations:\n");
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		translate("decoder", decoder, probes[i]);
		translate("display", display, probes[i]);
	}

	printf("unmap 4 KiB in the middle of the first 1 MiB section:\n");
	if (vcm_pt_unmap(decoder, FRAME_DA + 0x80000, 0x1000, NULL) != 0) {
		fprintf(stderr, "unmap: %s\n", vcm_pt_last_error(decoder));
		return 1;
	}
	print_range(decoder, FRAME_DA, 0x100000);

	vcm_pt_destroy(decoder);
	vcm_pt_destroy(display);
	vcm_plat_hosted_arena_delete(arena);
	return 0;
}
