/* SPDX-License-Identifier: MIT */
/*
 * The graph tests' platform: one heap buffer plays physical memory at
 * GFX_PA. Its first GFX_TABLE_BYTES are a table arena; memtype 0 (1M/64K/4K
 * chunks) and memtype 1 (1M/64K chunks only, for 64K-granule tables) follow,
 * inside the same window, so pa_to_cpu reaches tables and buffers alike.
 * Metadata comes from malloc, counted; both metadata and table memory can be
 * made to fail at the n-th call. Four devices with fake ops count what the
 * graph asks of them: armv7s, armv8 4K stage 1 (two bases), armv8 64K
 * stage 2, and a device without an MMU (one-to-one).
 */
#ifndef GRAPH_FIXTURE_H
#define GRAPH_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)

#define GFX_PA          UINT64_C(0x80000000)
#define GFX_BYTES       (64 * MB)
#define GFX_TABLE_BYTES (8 * MB)
#define GFX_MT0_PA      (GFX_PA + GFX_TABLE_BYTES)
#define GFX_MT0_LEN     (32 * MB)
#define GFX_MT1_PA      (GFX_MT0_PA + GFX_MT0_LEN)
#define GFX_MT1_LEN     (16 * MB)

struct fake_dev {
	int program;
	int clear;
	int tlb_range;
	int tlb_all;
	int power;
	int program_ret;   /* what program returns */
	bool fail_once;    /* program_ret goes back to 0 after one failure */
	int power_ret;     /* what power_query returns */
	uint32_t ver;
	unsigned int last_base;
	struct vcm_pt_hw last_hw;
	bool had_hw;
	vcm_da_t tlb_da;
	uint64_t tlb_len;
	bool tlb_leaf;
};

enum { D_V7, D_V8S1, D_V8S2, D_DMA, D_NR };

struct gfx {
	uint8_t *buf;
	struct vcm_plat_arena arena;
	struct vcm_plat_ops arena_ops;
	struct vcm_plat_ops plat;
	long meta_calls, meta_fail_at, meta_live;
	long table_calls, table_fail_at;
	uint64_t arena_free0;
	struct vcm_sys *sys;
	struct fake_dev fake[D_NR];
	struct vcm_dev_cfg cfg[D_NR];
	struct vcm_dev *dev[D_NR];
};

extern struct gfx g;
extern const struct vcm_dev_ops fake_ops;

/* cmocka group setup/teardown: system and the four devices. */
int gfx_setup(void **state);
int gfx_teardown(void **state);
/* Make the n-th metadata / table allocation from now fail (0: never). */
void gfx_fail_meta(long n);
void gfx_fail_table(long n);
/* CPU pointer to physical address @pa of the window. */
void *gfx_cpu(vcm_pa_t pa);
/* Assert that the last error starts with @prefix. */
void gfx_msg(const char *prefix);

/* A snapshot of every table the graph keeps: each association's runs. */
#define SNAP_MAX 512
struct snap_run {
	vcm_da_t da;
	vcm_pa_t pa;
	uint64_t len;
	unsigned int prot;
};
struct snap {
	unsigned int n;
	struct snap_run run[SNAP_MAX];
	long meta_live;
	uint64_t arena_free;
};
void snap_take(struct snap *s, struct vcm **vcms, unsigned int nr_vcms);
void snap_equal(const struct snap *a, const struct snap *b);

#endif
