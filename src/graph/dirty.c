// SPDX-License-Identifier: MIT
/*
 * vcm_res_read_clear_dirty(): the pages of a backed reservation that a device
 * wrote, as the hardware recorded them in each table mapping the VCM (a
 * mapper's read_clear_dirty op, include/vcm/dev.h). Devices of one VCM may
 * have tables of their own, so the harvest is the union over the VCM's
 * instances: one bit per page of the reservation, then the runs of set bits
 * in address order. A leaf the hardware reports whole (a block) is clipped to
 * the reservation.
 */
#include "graph_internal.h"

struct dirty_bits {
	vcm_da_t da;     /* the reservation's first address */
	uint64_t pages;
	uint64_t *bits;
};

static int mark(void *arg, vcm_da_t da, uint64_t len)
{
	struct dirty_bits *b = arg;
	vcm_da_t last = da + len - 1U, res_last = b->da + b->pages * GRAPH_PAGE - 1U;

	if (last < b->da || da > res_last)
		return 0;
	if (da < b->da)
		da = b->da;
	if (last > res_last)
		last = res_last;
	for (uint64_t p = (da - b->da) / GRAPH_PAGE; p <= (last - b->da) / GRAPH_PAGE; p++)
		b->bits[p / 64U] |= UINT64_C(1) << (p % 64U);
	return 0;
}

static bool bit(const struct dirty_bits *b, uint64_t p)
{
	return (b->bits[p / 64U] >> (p % 64U) & 1U) != 0U;
}

static int first_write(void *arg, vcm_da_t da, uint64_t len)
{
	(void)len;
	*(vcm_da_t *)arg = da;
	return 1; /* one is enough: stop */
}

/*
 * Every instance of the VCM must record writes: a harvest that skips one
 * misses pages. That is learnt before any table is cleared: a refusal from
 * the second table after the first was read and cleared would lose the
 * writes the first had recorded. A look at one page (not cleared, stopped at
 * the first write) is enough, since a table that records no writes refuses
 * any range.
 */
static int harvest(struct vcm_sys *sys, struct vcm_res *res, unsigned int flags,
		   struct dirty_bits *b)
{
	const bool probe = (flags & VCM_DIRTY_NO_CLEAR) == 0U;
	struct glist *p;
	int ret;

	for (int pass = probe ? 0 : 1; pass < 2; pass++)
		glist_for_each(p, &res->vcm->insts) {
			struct vcm_inst *in = GRAPH_CONTAINER(p, struct vcm_inst, node);
			vcm_da_t at;

			if (in->ops->read_clear_dirty == NULL) {
				ret = GERR(sys, -EOPNOTSUPP, "mapper '%s' of vcm at %#llx records no writes",
					   in->ops->name != NULL ? in->ops->name : "?",
					   vcm_ull(res->vcm->start));
				inst_name_dev_(res->vcm, in, ret);
				return ret;
			}
			ret = pass == 0 ?
				in->ops->read_clear_dirty(in->mi, res->da, GRAPH_PAGE,
							  VCM_DIRTY_NO_CLEAR, first_write, &at,
							  sys_diag_(sys)) :
				in->ops->read_clear_dirty(in->mi, res->da, res->len, flags, mark, b,
							  sys_diag_(sys));
			if (ret < 0) {
				inst_name_dev_(res->vcm, in, ret);
				return ret;
			}
		}
	return 0;
}

int res_dirty_at_(struct vcm_sys *sys, struct vcm_res *res, vcm_da_t *at)
{
	struct glist *p;

	glist_for_each(p, &res->vcm->insts) {
		struct vcm_inst *in = GRAPH_CONTAINER(p, struct vcm_inst, node);
		int ret;

		if (in->ops->read_clear_dirty == NULL)
			continue;
		ret = in->ops->read_clear_dirty(in->mi, res->da, res->len, VCM_DIRTY_NO_CLEAR,
						first_write, at, sys_diag_(sys));
		if (ret == -EOPNOTSUPP) {
			/* a table that records no writes: nothing to lose, and no failure to report */
			sys_diag_(sys)->msg[0] = '\0';
			continue;
		}
		if (ret != 0)
			return ret;
	}
	return 0;
}

int vcm_res_read_clear_dirty(struct vcm_res *res, unsigned int flags,
			     int (*fn)(void *arg, vcm_da_t da, uint64_t len), void *arg)
{
	struct dirty_bits b = { 0 };
	size_t words = 0;
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&res, GK_RES, "res", __func__, &ret, &lv);

	if (sys == NULL)
		return ret;
	if (fn == NULL) {
		ret = GERR(sys, -EINVAL, "fn is NULL");
		goto out;
	}
	if ((flags & ~VCM_DIRTY_NO_CLEAR) != 0U) {
		ret = GERR(sys, -EINVAL, "flags has unknown bits %#x", flags & ~VCM_DIRTY_NO_CLEAR);
		goto out;
	}
	if (res->mem == NULL) {
		ret = GERR(sys, -ENOENT, "res at da %#llx is not backed", vcm_ull(res->da));
		goto out;
	}
	b.da = res->da;
	b.pages = res->len / GRAPH_PAGE;
	words = (size_t)((b.pages + 63U) / 64U);
	b.bits = meta_alloc_(sys, words * sizeof(uint64_t));
	if (b.bits == NULL) {
		ret = GERR(sys, -ENOMEM, "no memory for a bitmap of %#llx pages",
			   vcm_ull(b.pages));
		goto out;
	}
	for (size_t i = 0; i < words; i++) /* freestanding: no memset */
		b.bits[i] = 0;
	ret = harvest(sys, res, flags, &b);
	/* what was cleared, even in part, must be written through to the devices' TLBs */
	if ((flags & VCM_DIRTY_NO_CLEAR) == 0U)
		tlb_fan_(res->vcm, res->da, res->len, true);
	for (uint64_t p = 0; ret == 0 && p < b.pages;) {
		uint64_t q = p;

		if (!bit(&b, p)) {
			p++;
			continue;
		}
		while (q < b.pages && bit(&b, q))
			q++;
		ret = fn(arg, res->da + p * GRAPH_PAGE, (q - p) * GRAPH_PAGE);
		p = q;
	}
	meta_free_(sys, b.bits, words * sizeof(uint64_t));
out:
	vcm_leave_(sys, lv);
	return ret;
}
