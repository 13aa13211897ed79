// SPDX-License-Identifier: MIT
/*
 * The sweep's calls of the 2010 layer (rfc.h, prefixed names) over its
 * default system: a VCM with vcodec (armv7s) and mdp (armv8) associated and
 * active, a backed reservation, and the CPU's prebuilt VCM.
 */
#define VCM_RFC_NO_2010_NAMES
#include <vcm/rfc.h>
#include "inject.h"
#include "../../src/rfc/rfc_internal.h"

#define RW (VCM_RFC_READ | VCM_RFC_WRITE)

/* rfc_h slots */
enum { H_V, H_A1, H_A2, H_M0, H_R0, H_R1, H_M1, H_V2, H_B, H_RB, H_ACPU, H_VCPU };

struct vcm_hosted_mem *inj_rfc_mem(uint64_t *table_bytes)
{
	*table_bytes = RFC_TABLE_BYTES;
	return rfc_sys_ != NULL ? rfc_sys_->mem : NULL;
}

static void must(int ret, const char *what)
{
	if (ret != 0)
		fail_msg("rfc teardown: %s: %d %s", what, ret, vcm_rfc_last_error());
}

static void rfc_teardown(struct world *w)
{
	static const int res[] = { H_RB, H_R1, H_R0 };
	static const int avcm[] = { H_ACPU, H_A2, H_A1 };
	static const int vcms[] = { H_VCPU, H_V2, H_V };
	void **h = w->rfc_h;

	for (unsigned int i = 0; i < 3; i++) {
		if (h[res[i]] == NULL)
			continue;
		if (vcm_rfc_get_physmem_from_res(h[res[i]]) != NULL)
			must(vcm_rfc_unback(h[res[i]]), "unback");
		must(vcm_rfc_unreserve(h[res[i]]), "unreserve");
	}
	/* what a call made inside a VCM without handing it out (a clone's copies) */
	for (unsigned int i = 0; i < 3; i++) {
		struct vcm_res *r;

		while (h[vcms[i]] != NULL && (r = vcm_rfc_get_next_res(h[vcms[i]], NULL)) != NULL) {
			if (vcm_rfc_get_physmem_from_res(r) != NULL)
				must(vcm_rfc_unback(r), "unback");
			must(vcm_rfc_unreserve(r), "unreserve");
		}
	}
	if (h[H_B] != NULL)
		must(vcm_rfc_free_bound(h[H_B]), "free_bound");
	for (unsigned int i = 0; i < 3; i++) {
		if (h[avcm[i]] == NULL)
			continue;
		if (vcm_rfc_is_active(h[avcm[i]]) == 1)
			must(vcm_rfc_deactivate(h[avcm[i]]), "deactivate");
		must(vcm_rfc_deassoc(h[avcm[i]]), "deassoc");
	}
	for (unsigned int i = 0; i < 3; i++)
		if (h[vcms[i]] != NULL)
			must(vcm_rfc_free(h[vcms[i]]), "free");
	if (h[H_M1] != NULL)
		must(vcm_rfc_phys_free(h[H_M1]), "phys_free");
	if (h[H_M0] != NULL)
		must(vcm_rfc_phys_free(h[H_M0]), "phys_free");
	if (w->rfc)
		must(vcm_rfc_sys_destroy(), "sys_destroy");
	w->rfc = false;
	w->sys = NULL;
}

static void *need(void *p)
{
	if (p == NULL)
		fail_msg("rfc setup: %s", vcm_rfc_last_error());
	return p;
}

static void s_init(struct world *w)
{
	must(vcm_rfc_sys_init(), "sys_init");
	w->rfc = true;
	w->sys = rfc_sys_->sys;
	w->rfc_teardown = rfc_teardown;
}

static void s_vcm(struct world *w)
{
	void **h = w->rfc_h;

	s_init(w);
	h[H_V] = need(vcm_rfc_create(0x10000000, 256 * MB));
	h[H_A1] = need(vcm_rfc_assoc(h[H_V], "vcodec", 0));
	h[H_A2] = need(vcm_rfc_assoc(h[H_V], "mdp", 0));
	must(vcm_rfc_activate(h[H_A1]), "activate");
	must(vcm_rfc_activate(h[H_A2]), "activate");
	h[H_M0] = need(vcm_rfc_phys_alloc(VCM_RFC_MEMTYPE_0, 2 * MB + 64 * KB, 0));
	h[H_R0] = need(vcm_rfc_reserve(h[H_V], 2 * MB + 64 * KB, RW));
	must(vcm_rfc_back(h[H_R0], h[H_M0]), "back");
}

static void s_more(struct world *w)
{
	void **h = w->rfc_h;

	s_vcm(w);
	h[H_M1] = need(vcm_rfc_phys_alloc(VCM_RFC_MEMTYPE_0, 1 * MB + 4 * KB, 0));
	h[H_R1] = need(vcm_rfc_reserve(h[H_V], 1 * MB + 4 * KB, RW));
	h[H_B] = need(vcm_rfc_create_bound(h[H_V], 16 * MB));
}

/* A second VCM with a backed reservation: associating builds a table over it. */
static void s_vcm2(struct world *w)
{
	void **h = w->rfc_h;

	s_more(w);
	h[H_V2] = need(vcm_rfc_create(0x40000000, 64 * MB));
	h[H_RB] = need(vcm_rfc_reserve(h[H_V2], 1 * MB + 4 * KB, RW));
}

/* The CPU's prebuilt VCM with a reservation backed by the memory of H_R0. */
static void s_cpu(struct world *w)
{
	void **h = w->rfc_h;

	s_vcm(w);
	h[H_VCPU] = need(vcm_rfc_create_from_prebuilt(VCM_RFC_PREBUILT_KERNEL));
	h[H_R1] = need(vcm_rfc_reserve(h[H_VCPU], 2 * MB + 64 * KB, RW));
	must(vcm_rfc_back(h[H_R1], h[H_M0]), "back");
}

/* A call returning a handle into slot @slot: 0, or its errno. */
static int got(struct world *w, int slot, void *p)
{
	w->rfc_h[slot] = p;
	w->msg = vcm_rfc_last_error();
	return p != NULL ? 0 : vcm_rfc_errno();
}

static int ret_of(struct world *w, int ret)
{
	w->msg = vcm_rfc_last_error();
	return ret;
}

static int o_init(struct world *w)
{
	int ret = vcm_rfc_sys_init();

	w->msg = vcm_rfc_last_error();
	if (ret == 0) {
		w->rfc = true;
		w->sys = rfc_sys_->sys;
		w->rfc_teardown = rfc_teardown;
	}
	return ret;
}

#define R_GOT(fn, slot, call) \
	static int fn(struct world *w) { void **h = w->rfc_h; (void)h; return got(w, slot, call); }
#define R_RET(fn, call) \
	static int fn(struct world *w) { void **h = w->rfc_h; return ret_of(w, call); }

R_GOT(o_create, H_V2, vcm_rfc_create(0x40000000, 64 * MB))
R_GOT(o_create_one_to_one, H_V2, vcm_rfc_create_one_to_one(0x8f000000, 4 * MB))
R_GOT(o_create_prebuilt, H_VCPU, vcm_rfc_create_from_prebuilt(VCM_RFC_PREBUILT_KERNEL))
R_GOT(o_clone, H_V2, vcm_rfc_clone(h[H_V]))
R_GOT(o_reserve, H_RB, vcm_rfc_reserve(h[H_V], 3 * MB, RW))
R_GOT(o_reserve_from_bound, H_RB, vcm_rfc_reserve_from_bound(h[H_B], 1 * MB, RW))
R_GOT(o_create_bound, H_B, vcm_rfc_create_bound(h[H_V], 32 * MB))
R_GOT(o_phys_alloc, H_M1, vcm_rfc_phys_alloc(VCM_RFC_MEMTYPE_0, 3 * MB + 68 * KB, 0))
R_GOT(o_map_phys_addr, H_M1, vcm_rfc_map_phys_addr(0x8f000000, 1 * MB))
R_GOT(o_assoc, H_ACPU, vcm_rfc_assoc(h[H_V2], "mdp", 0))
R_RET(o_back, vcm_rfc_back(h[H_R1], h[H_M1]))
R_RET(o_unback, vcm_rfc_unback(h[H_R0]))
R_RET(o_unback_cpu, vcm_rfc_unback(h[H_R1]))

static int o_deassoc(struct world *w)
{
	void **h = w->rfc_h;
	int ret = vcm_rfc_deactivate(h[H_A2]);

	if (ret == 0)
		ret = vcm_rfc_deassoc(h[H_A2]);
	if (ret == 0)
		h[H_A2] = NULL;
	return ret_of(w, ret);
}

const struct inj_call inj_calls_rfc[] = {
	{ "rfc", "vcm_sys_init", 0, NULL, NULL, o_init, 0 },
	{ "rfc", "vcm_create", 0, NULL, s_vcm, o_create, 0 },
	{ "rfc", "vcm_create_one_to_one", 0, NULL, s_vcm, o_create_one_to_one, 0 },
	{ "rfc", "vcm_create_from_prebuilt", 0, NULL, s_vcm, o_create_prebuilt, 0 },
	{ "rfc", "vcm_clone", 0, NULL, s_vcm, o_clone, 0 },
	{ "rfc", "vcm_reserve", 0, NULL, s_more, o_reserve, 0 },
	{ "rfc", "vcm_create_bound", 0, NULL, s_vcm, o_create_bound, 0 },
	{ "rfc", "vcm_reserve_from_bound", 0, NULL, s_more, o_reserve_from_bound, 0 },
	{ "rfc", "vcm_phys_alloc", 0, NULL, s_vcm, o_phys_alloc, 0 },
	{ "rfc", "vcm_map_phys_addr", 0, NULL, s_vcm, o_map_phys_addr, 0 },
	{ "rfc", "vcm_assoc", 0, NULL, s_vcm2, o_assoc, 0 },
	{ "rfc", "vcm_back", 0, NULL, s_more, o_back, 0 },
	{ "rfc", "vcm_unback", 0, NULL, s_vcm, o_unback, 0 },
	{ "rfc", "vcm_unback (CPU)", 0, NULL, s_cpu, o_unback_cpu, 0 },
	{ "rfc", "vcm_deactivate + vcm_deassoc", 0, NULL, s_vcm, o_deassoc, 0 },
	{ NULL, NULL, 0, NULL, NULL, NULL, 0 },
};
