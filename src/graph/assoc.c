// SPDX-License-Identifier: MIT
/*
 * Associations and mapper instances. A VCM holds one instance per distinct
 * compatible configuration among its associated devices (the mapper's
 * compatible() op decides), made on the first association that needs it and
 * filled with every backed reservation, destroyed when its last association
 * goes. Devices of one format and configuration therefore share one table.
 *
 * Activation programs the instance's registers (mapper hw op) into each base
 * the association uses: VCM_USE_LOW_BASE (the default), VCM_USE_HIGH_BASE, or
 * VCM_SPLIT(n), which takes both bases of a two-base device with the same
 * table; device addresses whose top n bits (of the VCM's address width) are
 * all ones belong to the high base, the rest to the low one.
 */
#include "graph_internal.h"

#define ATTR_KNOWN (VCM_USE_LOW_BASE | VCM_USE_HIGH_BASE | VCM_SPLIT_MASK)

unsigned int assoc_bases_(const struct vcm_avcm *a)
{
	if ((a->attr & VCM_SPLIT_MASK) != 0U)
		return (1U << VCM_BASE_LOW) | (1U << VCM_BASE_HIGH);
	if ((a->attr & VCM_USE_HIGH_BASE) != 0U)
		return 1U << VCM_BASE_HIGH;
	return 1U << VCM_BASE_LOW;
}

static int check_attr(struct vcm_sys *sys, const struct vcm *vcm, const struct vcm_dev *dev,
		      unsigned int attr)
{
	unsigned int split = (attr & VCM_SPLIT_MASK) >> VCM_SPLIT_SHIFT;
	unsigned int base = attr & (VCM_USE_LOW_BASE | VCM_USE_HIGH_BASE);

	if ((attr & ~ATTR_KNOWN) != 0U)
		return GERR(sys, -EINVAL, "attr has unknown bits %#x", attr & ~ATTR_KNOWN);
	if (base == (VCM_USE_LOW_BASE | VCM_USE_HIGH_BASE) || (split != 0U && base != 0U))
		return GERR(sys, -EINVAL,
			    "attr %#x names more than one of LOW_BASE, HIGH_BASE and SPLIT", attr);
	if (split > 63U)
		return GERR(sys, -EINVAL, "attr: VCM_SPLIT(%u) is above 63 bits", split);
	if (split != 0U) {
		unsigned int width = 64U - vcm_clz64(vcm->start + vcm->len - 1U);

		/* each base a whole number of pages, neither of them empty */
		if (split + 12U > width)
			return GERR(sys, -EINVAL,
				    "attr: VCM_SPLIT(%u) leaves one base less than a 4 KiB page "
				    "of the VCM's %u address bits (at most %u)",
				    split, width, width > 12U ? width - 12U : 0U);
	}
	if ((split != 0U || base == VCM_USE_HIGH_BASE) && dev->cfg.nr_bases < 2U)
		return GERR(sys, -EINVAL, "attr %#x needs a high base; dev '%s' has one base",
			    attr, dev->name);
	return 0;
}

/* Split association: does @da belong to the high base? */
static bool split_high(const struct vcm_avcm *a, vcm_da_t da)
{
	unsigned int n = (a->attr & VCM_SPLIT_MASK) >> VCM_SPLIT_SHIFT;
	vcm_da_t last = a->vcm->start + a->vcm->len - 1U;
	unsigned int width = 64U - vcm_clz64(last);

	if (n > width)
		return false;
	/* the top n of width bits all ones */
	return ((da >> (width - n)) & vcm_low_mask(n)) == vcm_low_mask(n);
}

/*
 * The addresses @base of split association @a translates, as split_high()
 * divides them: high, those whose top n of the VCM's width bits are all ones
 * (up to the top of the width); low, everything below. An empty part (n
 * wider than the VCM: no address is high) is first > last.
 */
static void split_part(const struct vcm_avcm *a, unsigned int base, vcm_da_t *first,
		       vcm_da_t *last)
{
	unsigned int n = (a->attr & VCM_SPLIT_MASK) >> VCM_SPLIT_SHIFT;
	vcm_da_t vlast = a->vcm->start + a->vcm->len - 1U;
	unsigned int width = 64U - vcm_clz64(vlast);
	vcm_da_t top = vcm_low_mask(width), high;

	if (n > width) {
		*first = base == VCM_BASE_HIGH ? 1U : 0U;
		*last = base == VCM_BASE_HIGH ? 0U : top;
		return;
	}
	high = top & ~vcm_low_mask(width - n);
	*first = base == VCM_BASE_HIGH ? high : 0U;
	*last = base == VCM_BASE_HIGH ? top : high - 1U;
}

/* Fill a new instance with every backed reservation; all or nothing. */
static int inst_fill(struct vcm *vcm, struct vcm_inst *in)
{
	struct vcm_sys *sys = vcm->h.sys;
	struct vcm_res *res, *m;
	int ret = 0;

	for (res = res_first_(vcm); res != NULL; res = res_next_(res)) {
		if (res->mem == NULL)
			continue;
		ret = inst_map_ext_(sys, in, res->ext, res->nr_ext, res->prot);
		if (ret != 0)
			break;
	}
	if (ret == 0)
		return 0;
	for (m = res_first_(vcm); m != res; m = res_next_(m))
		if (m->mem != NULL)
			inst_unmap_ext_(sys, in, m->ext, m->nr_ext);
	return ret;
}

/*
 * A new table refused what the VCM already holds (a format that cannot
 * express a reservation's prot, say): the message names the device the
 * caller was adding, in front of the mapper's own words.
 */
static void name_dev(struct vcm_sys *sys, const struct vcm_dev *dev, int err)
{
	char copy[VCM_DIAG_MSG_LEN];

	graph_keep_msg_(sys, copy);
	GERR(sys, err, "dev '%s': %s", dev->name, copy);
}

/* An instance and, right after it, its own copy of the mapper's configuration:
 * it outlives the device that made it when other devices still share it. */
static size_t inst_bytes(const struct vcm_mapper_ops *m)
{
	return sizeof(struct vcm_inst) + m->cfg_size;
}

static void inst_empty_destroy(struct vcm *vcm, struct vcm_inst *in)
{
	struct vcm_sys *sys = vcm->h.sys;
	struct vcm_res *res;

	for (res = res_first_(vcm); res != NULL; res = res_next_(res))
		if (res->mem != NULL)
			inst_unmap_ext_(sys, in, res->ext, res->nr_ext);
	in->ops->destroy(in->mi);
	glist_del(&in->node);
	meta_free_(sys, in, inst_bytes(in->ops));
}

static int inst_get(struct vcm *vcm, struct vcm_dev *dev, struct vcm_inst **out)
{
	struct vcm_sys *sys = vcm->h.sys;
	const struct vcm_mapper_ops *m = dev->cfg.mapper;
	struct vcm_inst *in;
	struct glist *p;
	int ret;

	glist_for_each(p, &vcm->insts) {
		in = GRAPH_CONTAINER(p, struct vcm_inst, node);
		if (in->ops == m && m->compatible != NULL && m->compatible(&in->cfg, &dev->cfg)) {
			*out = in;
			return 0;
		}
	}
	in = meta_alloc_(sys, inst_bytes(m));
	if (in == NULL)
		return GERR(sys, -ENOMEM, "no metadata for a mapper instance");
	graph_zero(in, sizeof(*in));
	in->ops = m;
	in->cfg = dev->cfg;
	in->cfg.name = NULL;
	if (m->cfg_size != 0U) {
		__builtin_memcpy(in + 1, dev->cfg.mapper_cfg, m->cfg_size);
		in->cfg.mapper_cfg = in + 1;
	}
	inst_plat_init_(in, sys);
	ret = m->create(dev->cfg.mapper_ctx, &dev->cfg, &in->plat, vcm->start, vcm->len, &in->mi,
			sys_diag_(sys));
	if (ret == 0) {
		ret = inst_fill(vcm, in);
		if (ret != 0) {
			m->destroy(in->mi);
			name_dev(sys, dev, ret);
		}
	}
	if (ret != 0) {
		meta_free_(sys, in, inst_bytes(m));
		return ret;
	}
	glist_add_tail(&vcm->insts, &in->node);
	*out = in;
	return 0;
}

/* The association of @dev with @vcm, or NULL: through the shorter of the
 * VCM's list and the device's (thousands of devices on one VCM, or one
 * device in thousands of VCMs, each cost the few entries of the other). */
struct vcm_avcm *assoc_find_(struct vcm *vcm, struct vcm_dev *dev)
{
	struct glist *p;

	if (dev->nr_assoc <= vcm->nr_assoc) {
		glist_for_each(p, &dev->assocs) {
			struct vcm_avcm *a = GRAPH_CONTAINER(p, struct vcm_avcm, dev_node);

			if (a->vcm == vcm)
				return a;
		}
		return NULL;
	}
	glist_for_each(p, &vcm->assocs) {
		struct vcm_avcm *a = GRAPH_CONTAINER(p, struct vcm_avcm, vcm_node);

		if (a->dev == dev)
			return a;
	}
	return NULL;
}

int assoc_new_locked_(struct vcm *vcm, struct vcm_dev *dev, unsigned int attr,
		      struct vcm_avcm **out)
{
	struct vcm_sys *sys = vcm->h.sys;
	struct vcm_avcm *a;
	int ret;

	ret = check_attr(sys, vcm, dev, attr);
	if (ret != 0)
		return ret;
	if (assoc_find_(vcm, dev) != NULL)
		return GERR(sys, -EEXIST, "dev '%s' is already associated with vcm", dev->name);
	a = gobj_alloc_(sys, GK_AVCM);
	if (a == NULL)
		return GERR(sys, -ENOMEM, "no metadata for the association");
	ret = inst_get(vcm, dev, &a->inst);
	if (ret != 0) {
		gobj_free_(sys, GK_AVCM, a);
		return ret;
	}
	a->inst->users++;
	a->vcm = vcm;
	a->dev = dev;
	a->attr = attr;
	glist_add_tail(&vcm->assocs, &a->vcm_node);
	glist_add_tail(&dev->assocs, &a->dev_node);
	vcm->nr_assoc++;
	dev->nr_assoc++;
	*out = a;
	return 0;
}

void assoc_remove_locked_(struct vcm_avcm *a)
{
	struct vcm *vcm = a->vcm;

	VCM_ASSERT(!a->active);
	if (--a->inst->users == 0U)
		inst_empty_destroy(vcm, a->inst);
	glist_del(&a->vcm_node);
	glist_del(&a->dev_node);
	vcm->nr_assoc--;
	a->dev->nr_assoc--;
	if (vcm->own == a)
		vcm->own = NULL;
	gobj_free_(vcm->h.sys, GK_AVCM, a);
}

static int program(struct vcm_avcm *a, unsigned int base)
{
	struct vcm_sys *sys = a->vcm->h.sys;
	const struct vcm_dev_ops *ops = a->dev->cfg.ops;
	struct vcm_hw_regs hw;
	const struct vcm_hw_regs *hwp = NULL;
	int ret;

	if (a->inst->ops->hw != NULL) {
		ret = a->inst->ops->hw(a->inst->mi, &hw);
		if (ret != 0)
			return GERR(sys, ret, "dev '%s': the mapper gave no register values",
				    a->dev->name);
		hw.da_first = 0;
		hw.da_last = 0;
		if ((a->attr & VCM_SPLIT_MASK) != 0U)
			split_part(a, base, &hw.da_first, &hw.da_last);
		hwp = &hw;
	}
	if (ops == NULL || ops->program == NULL)
		return 0;
	ret = ops->program(a->dev->cfg.ctx, base, hwp);
	if (ret != 0)
		return GERR(sys, ret, "dev '%s' refused the table on base %u", a->dev->name,
			    base);
	return 0;
}

static void clear(struct vcm_avcm *a, unsigned int base)
{
	const struct vcm_dev_ops *ops = a->dev->cfg.ops;

	if (ops != NULL && ops->clear != NULL)
		ops->clear(a->dev->cfg.ctx, base);
}

/*
 * The VCM's list of active associations follows a->active: the TLB fan-out
 * walks it on every back and unback, so a VCM with thousands of devices
 * associated and few active pays for the few. Only activate_locked_() and
 * deactivate_locked_() change a->active, both under the exclusive system
 * lock; the list is read with the VCM's lock, which that excludes.
 */
static void act_link(struct vcm_avcm *a)
{
	struct vcm *vcm = a->vcm;

	a->act_prev = vcm->act_last;
	a->act_next = NULL;
	if (vcm->act_last != NULL)
		vcm->act_last->act_next = a;
	else
		vcm->act_first = a;
	vcm->act_last = a;
}

static void act_unlink(struct vcm_avcm *a)
{
	struct vcm *vcm = a->vcm;

	if (a->act_prev != NULL)
		a->act_prev->act_next = a->act_next;
	else
		vcm->act_first = a->act_next;
	if (a->act_next != NULL)
		a->act_next->act_prev = a->act_prev;
	else
		vcm->act_last = a->act_prev;
	a->act_prev = NULL;
	a->act_next = NULL;
}

int activate_locked_(struct vcm_avcm *a)
{
	struct vcm_sys *sys = a->vcm->h.sys;
	struct vcm_dev *dev = a->dev;
	unsigned int bases = assoc_bases_(a), b, done = 0;
	int ret;

	if (a->active)
		return GERR(sys, -EBUSY, "the association of dev '%s' is already active",
			    dev->name);
	for (b = 0; b < VCM_MAX_BASES; b++)
		if ((bases & (1U << b)) != 0U && dev->active[b] != NULL)
			return GERR(sys, -EBUSY, "dev '%s' has another VCM active on base %u",
				    dev->name, b);
	for (b = 0; b < VCM_MAX_BASES; b++) {
		if ((bases & (1U << b)) == 0U)
			continue;
		ret = program(a, b);
		if (ret != 0) {
			for (unsigned int u = 0; u < b; u++)
				if ((done & (1U << u)) != 0U)
					clear(a, u);
			return ret;
		}
		done |= 1U << b;
	}
	for (b = 0; b < VCM_MAX_BASES; b++)
		if ((bases & (1U << b)) != 0U)
			dev->active[b] = a;
	a->active = true;
	a->vcm->nr_active++;
	act_link(a);
	return 0;
}

int deactivate_locked_(struct vcm_avcm *a)
{
	unsigned int bases = assoc_bases_(a);

	VCM_ASSERT(a->active);
	for (unsigned int b = 0; b < VCM_MAX_BASES; b++) {
		if ((bases & (1U << b)) == 0U)
			continue;
		clear(a, b);
		a->dev->active[b] = NULL;
	}
	a->active = false;
	a->vcm->nr_active--;
	act_unlink(a);
	return 0;
}

/* ---- public calls ------------------------------------------------------------ */

/* Head of the calls on a (VCM, device) pair: the system locked, both live and
 * of that system, or NULL with the error in *@ret. */
static struct vcm_sys *lock_vcm_dev(struct vcm **vcm, struct vcm_dev **dev, const char *fn,
				    int *ret)
{
	struct vcm_sys *sys = gobj_lock_(vcm, GK_VCM, "vcm", fn, ret);

	if (sys != NULL && !gobj_take_(dev, GK_DEV, sys)) {
		*ret = GERR(sys, -EINVAL, "dev is not a live device of the VCM's system");
		sys_unlock_(sys);
		return NULL;
	}
	return sys;
}

int vcm_assoc(struct vcm *vcm, struct vcm_dev *dev, unsigned int attr, struct vcm_avcm **out)
{
	int ret;
	struct vcm_sys *sys = lock_vcm_dev(&vcm, &dev, __func__, &ret);

	if (sys == NULL)
		return ret;
	if (out == NULL)
		ret = GERR(sys, -EINVAL, "out is NULL");
	else
		ret = assoc_new_locked_(vcm, dev, attr, out);
	if (ret == 0)
		*out = gobj_handle_(*out);
	sys_unlock_(sys);
	return ret;
}

int vcm_deassoc(struct vcm_avcm *avcm)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&avcm, GK_AVCM, "avcm", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (avcm->active)
		ret = GERR(sys, -EBUSY, "the association of dev '%s' is active",
			   avcm->dev->name);
	else
		assoc_remove_locked_(avcm);
	sys_unlock_(sys);
	return ret;
}

int vcm_get_assoc_attr(const struct vcm_avcm *avcm, unsigned int *attr)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&avcm, GK_AVCM, "avcm", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (attr == NULL)
		ret = GERR(sys, -EINVAL, "attr is NULL");
	else
		*attr = avcm->attr;
	sys_unlock_(sys);
	return ret;
}

int vcm_set_assoc_attr(struct vcm_avcm *avcm, unsigned int attr)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&avcm, GK_AVCM, "avcm", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (avcm->active)
		ret = GERR(sys, -EBUSY, "the association of dev '%s' is active",
			   avcm->dev->name);
	else
		ret = check_attr(sys, avcm->vcm, avcm->dev, attr);
	if (ret == 0)
		avcm->attr = attr;
	sys_unlock_(sys);
	return ret;
}

int vcm_activate(struct vcm_avcm *avcm)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&avcm, GK_AVCM, "avcm", __func__, &ret);

	if (sys == NULL)
		return ret;
	ret = activate_locked_(avcm);
	sys_unlock_(sys);
	return ret;
}

int vcm_deactivate(struct vcm_avcm *avcm)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&avcm, GK_AVCM, "avcm", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (!avcm->active)
		ret = GERR(sys, -ENOENT, "the association of dev '%s' is not active",
			   avcm->dev->name);
	else
		ret = deactivate_locked_(avcm);
	sys_unlock_(sys);
	return ret;
}

int vcm_switch(struct vcm_avcm *to)
{
	struct vcm_avcm *old[VCM_MAX_BASES] = { NULL };
	unsigned int bases, b;
	int ret;
	struct vcm_sys *sys = gobj_lock_(&to, GK_AVCM, "avcm", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (to->active)
		goto out; /* already the one: nothing to switch */
	bases = assoc_bases_(to);
	for (b = 0; b < VCM_MAX_BASES; b++) {
		struct vcm_avcm *a = (bases & (1U << b)) != 0U ? to->dev->active[b] : NULL;

		if (a != NULL && a->active) {
			old[b] = a;
			deactivate_locked_(a);
		}
	}
	ret = activate_locked_(to);
	if (ret != 0) {
		char first[VCM_DIAG_MSG_LEN];
		unsigned int lost = 0;
		int again = 0;

		graph_keep_msg_(sys, first);
		/* put back what was there: the same tables, programmed again */
		for (b = 0; b < VCM_MAX_BASES; b++)
			if (old[b] != NULL && !old[b]->active) {
				int r = activate_locked_(old[b]);

				if (r != 0 && again == 0)
					again = r;
			}
		/* every base of the switch that was active and is empty now (two at most) */
		_Static_assert(VCM_MAX_BASES == 2U, "the message below names two bases");
		for (b = 0; b < VCM_MAX_BASES; b++)
			if (old[b] != NULL && (to->dev->active[b] == NULL ||
					       !to->dev->active[b]->active))
				lost |= 1U << b;
		if (again != 0)
			/* a device refusing twice: say which bases it leaves with nothing */
			GERR(sys, ret, "%s; what was active before could not be programmed "
			     "again (%d): nothing is active on %s now", first, again,
			     lost == 3U ? "bases 0 and 1" : lost == 2U ? "base 1" : "base 0");
		else
			sys_diag_(sys)->err = ret;
	}
out:
	sys_unlock_(sys);
	return ret;
}

int vcm_is_active(const struct vcm_avcm *avcm)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&avcm, GK_AVCM, "avcm", __func__, &ret);

	if (sys == NULL)
		return ret;
	ret = avcm->active ? 1 : 0;
	sys_unlock_(sys);
	return ret;
}

/* ---- queries that go through an association ------------------------------------ */

/* @out is NULL when the caller's own output (@what) is. */
static int get_hw(struct vcm *vcm, struct vcm_dev *dev, struct vcm_hw_regs *out, const char *what,
		  const char *fn)
{
	struct vcm_avcm *a;
	int ret;
	struct vcm_sys *sys = lock_vcm_dev(&vcm, &dev, fn, &ret);

	if (sys == NULL)
		return ret;
	if (out == NULL) {
		ret = GERR(sys, -EINVAL, "%s is NULL", what);
	} else if ((a = assoc_find_(vcm, dev)) == NULL) {
		ret = GERR(sys, -ENOENT, "dev '%s' is not associated with vcm", dev->name);
	} else if (a->inst->ops->hw == NULL) {
		ret = GERR(sys, -EOPNOTSUPP, "dev '%s': mapper '%s' has no table", dev->name,
			   a->inst->ops->name != NULL ? a->inst->ops->name : "?");
	} else {
		ret = a->inst->ops->hw(a->inst->mi, out);
		if (ret != 0)
			ret = GERR(sys, ret, "dev '%s': the mapper gave no register values",
				   dev->name);
	}
	sys_unlock_(sys);
	return ret;
}

int vcm_get_pgtbl_pa(struct vcm *vcm, struct vcm_dev *dev, vcm_pa_t *pa)
{
	struct vcm_hw_regs hw;
	int ret = get_hw(vcm, dev, pa != NULL ? &hw : NULL, "pa", __func__);

	if (ret == 0)
		*pa = hw.root_pa;
	return ret;
}

int vcm_get_hw(struct vcm *vcm, struct vcm_dev *dev, struct vcm_hw_regs *out)
{
	return get_hw(vcm, dev, out, "out", __func__);
}

int vcm_dev_addr_to_phys_addr(struct vcm_dev *dev, unsigned int base, vcm_da_t da,
			      vcm_pa_t *pa)
{
	struct vcm_avcm *a;
	unsigned int prot;
	int ret;
	struct vcm_sys *sys = gobj_lock_(&dev, GK_DEV, "dev", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (pa == NULL) {
		ret = GERR(sys, -EINVAL, "pa is NULL");
	} else if (base >= dev->cfg.nr_bases) {
		ret = GERR(sys, -EINVAL, "base %u: dev '%s' has %u", base, dev->name,
			   dev->cfg.nr_bases);
	} else if ((a = dev->active[base]) == NULL) {
		ret = GERR(sys, -ENODEV, "dev '%s' has no VCM active on base %u", dev->name,
			   base);
	} else if ((a->attr & VCM_SPLIT_MASK) != 0U &&
		   split_high(a, da) != (base == VCM_BASE_HIGH)) {
		ret = GERR(sys, -ENOENT, "dev '%s': da %#llx is not translated by base %u",
			   dev->name, vcm_ull(da), base);
	} else {
		ret = a->inst->ops->lookup(a->inst->mi, da, pa, &prot);
		if (ret != 0)
			ret = GERR(sys, ret, "dev '%s': da %#llx is not mapped", dev->name,
				   vcm_ull(da));
	}
	sys_unlock_(sys);
	return ret;
}

struct walk_clip {
	vcm_walk_fn fn;
	void *arg;
	vcm_da_t first, last; /* the range asked for */
};

/* A mapper reports whole leaves; the caller asked for a range: cut them to it. */
static int walk_clip(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	const struct walk_clip *c = arg;
	vcm_da_t last = da + (len - 1U);

	if (last < c->first || da > c->last)
		return 0;
	if (da < c->first) {
		pa += c->first - da;
		da = c->first;
	}
	if (last > c->last)
		last = c->last;
	return c->fn(c->arg, da, pa, last - da + 1U, prot);
}

int vcm_walk(struct vcm *vcm, struct vcm_dev *dev, vcm_da_t da, uint64_t len, vcm_walk_fn fn,
	     void *arg)
{
	struct walk_clip clip = { fn, arg, da, da + (len - 1U) };
	struct vcm_avcm *a;
	int ret;
	struct vcm_sys *sys = lock_vcm_dev(&vcm, &dev, __func__, &ret);

	if (sys == NULL)
		return ret;
	if (fn == NULL) {
		ret = GERR(sys, -EINVAL, "fn is NULL");
	} else if (len == 0U || da < vcm->start || da - vcm->start > vcm->len - 1U ||
		   len - 1U > vcm->start + vcm->len - 1U - da) {
		ret = GERR(sys, -ERANGE, "da %#llx len %#llx is not inside the VCM",
			   vcm_ull(da), vcm_ull(len));
	} else if ((a = assoc_find_(vcm, dev)) == NULL) {
		ret = GERR(sys, -ENOENT, "dev '%s' is not associated with vcm", dev->name);
	} else if (a->inst->ops->walk == NULL) {
		ret = GERR(sys, -EOPNOTSUPP, "dev '%s': mapper '%s' cannot walk", dev->name,
			   a->inst->ops->name != NULL ? a->inst->ops->name : "?");
	} else {
		ret = a->inst->ops->walk(a->inst->mi, da, len, walk_clip, &clip);
	}
	sys_unlock_(sys);
	return ret;
}
