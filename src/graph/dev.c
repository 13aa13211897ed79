// SPDX-License-Identifier: MIT
/*
 * Devices: registration (a name, a mapper, device ops), lookup by name, the
 * hardware version, and faults. A fault is recorded under the system lock;
 * the hook runs after the lock is dropped, so it may call back into the
 * graph (back, unback, migrate) to repair the mapping before a retry.
 */
#include "graph_internal.h"

static size_t name_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

static int check_cfg(struct vcm_sys *sys, const struct vcm_dev_cfg *cfg)
{
	const struct vcm_mapper_ops *m;
	size_t n;

	if (cfg == NULL)
		return GERR(sys, -EINVAL, "cfg is NULL");
	if (cfg->name == NULL)
		return GERR(sys, -EINVAL, "cfg->name is NULL");
	n = name_len(cfg->name, GRAPH_NAME_MAX);
	if (n == 0U || n >= GRAPH_NAME_MAX)
		return GERR(sys, -EINVAL, "cfg->name is empty or longer than %u bytes",
			    GRAPH_NAME_MAX - 1U);
	m = cfg->mapper;
	if (m == NULL)
		return GERR(sys, -EINVAL, "cfg->mapper of '%s' is NULL", cfg->name);
	if (m->create == NULL || m->destroy == NULL || m->map == NULL || m->unmap == NULL ||
	    m->lookup == NULL)
		return GERR(sys, -EINVAL,
			    "cfg->mapper '%s' lacks one of create, destroy, map, unmap, lookup",
			    m->name != NULL ? m->name : "?");
	if (m->cfg_size != 0U && cfg->mapper_cfg == NULL)
		return GERR(sys, -EINVAL, "cfg->mapper_cfg of '%s' is NULL (mapper '%s' needs one)",
			    cfg->name, m->name != NULL ? m->name : "?");
	if (m->check != NULL) {
		struct vcm_diag d = { 0 };
		int ret = m->check(cfg, &d);

		if (ret != 0)
			return GERR(sys, ret, "'%s': cfg->mapper_cfg (%s): %s", cfg->name,
				    m->name != NULL ? m->name : "?", graph_msg_(d.msg));
	}
	if (cfg->nr_bases != 1U && cfg->nr_bases != 2U)
		return GERR(sys, -EINVAL, "cfg->nr_bases %u of '%s' is not 1 or 2", cfg->nr_bases,
			    cfg->name);
	if (dev_names_find_(sys, cfg->name) != NULL)
		return GERR(sys, -EEXIST, "cfg->name '%s' is already registered", cfg->name);
	return 0;
}

int vcm_dev_register(struct vcm_sys *sys, const struct vcm_dev_cfg *cfg, struct vcm_dev **out)
{
	struct vcm_dev *dev;
	size_t n;
	int ret;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, __func__);
	if (out == NULL) {
		ret = GERR(sys, -EINVAL, "out is NULL");
		goto out;
	}
	ret = check_cfg(sys, cfg);
	if (ret != 0)
		goto out;
	dev = gobj_alloc_(sys, GK_DEV);
	if (dev == NULL) {
		ret = GERR(sys, -ENOMEM, "no metadata for device '%s'", cfg->name);
		goto out;
	}
	dev->cfg = *cfg;
	dev->cfg.mapper_cfg = NULL;
	if (cfg->mapper->cfg_size != 0U) {
		void *copy = meta_alloc_(sys, cfg->mapper->cfg_size);

		if (copy == NULL) {
			gobj_free_(sys, GK_DEV, dev);
			ret = GERR(sys, -ENOMEM, "no metadata for device '%s'", cfg->name);
			goto out;
		}
		__builtin_memcpy(copy, cfg->mapper_cfg, cfg->mapper->cfg_size);
		dev->cfg.mapper_cfg = copy;
	}
	n = name_len(cfg->name, GRAPH_NAME_MAX);
	__builtin_memcpy(dev->name, cfg->name, n);
	dev->name[n] = '\0';
	dev->cfg.name = dev->name;
	glist_init(&dev->assocs);
	glist_add_tail(&sys->devs, &dev->node);
	sys->nr_dev++;
	dev_names_add_(sys, dev);
	*out = gobj_handle_(dev);
out:
	sys_unlock_(sys);
	return ret;
}

int vcm_dev_unregister(struct vcm_dev *dev)
{
	struct vcm_sys *sys;
	int ret;

	sys = gobj_lock_(&dev, GK_DEV, "dev", __func__, &ret);
	if (sys == NULL)
		return ret;
	if (dev->nr_assoc != 0U)
		ret = GERR(sys, -EBUSY, "dev '%s' has %llu associations", dev->name,
			   vcm_ull(dev->nr_assoc));
	if (ret == 0) {
		sys->nr_dev--;
		dev_names_del_(sys, dev);
		glist_del(&dev->node);
		if (dev->cfg.mapper_cfg != NULL)
			meta_free_(sys, (void *)(uintptr_t)dev->cfg.mapper_cfg,
				   dev->cfg.mapper->cfg_size);
		gobj_free_(sys, GK_DEV, dev);
	}
	sys_unlock_(sys);
	return ret;
}

struct vcm_dev *vcm_dev_find(struct vcm_sys *sys, const char *name)
{
	struct vcm_dev *d;

	if (!sys_live_(sys) || name == NULL)
		return NULL;
	sys_lock_(sys);
	d = gobj_handle_(dev_names_find_(sys, name));
	sys_unlock_(sys);
	return d;
}

const char *vcm_dev_name(const struct vcm_dev *dev)
{
	if (!gobj_ok_(&dev, GK_DEV))
		return NULL;
	return dev->name;
}

int vcm_hw_ver(struct vcm_dev *dev, uint32_t *ver)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&dev, GK_DEV, "dev", "vcm_hw_ver", &ret);

	if (sys == NULL)
		return ret;
	if (ver == NULL) {
		ret = GERR(sys, -EINVAL, "ver is NULL");
	} else {
		*ver = 0;
		if (dev->cfg.ops != NULL && dev->cfg.ops->hw_version != NULL)
			*ver = dev->cfg.ops->hw_version(dev->cfg.ctx);
	}
	sys_unlock_(sys);
	return ret;
}

int vcm_hook(struct vcm_dev *dev, vcm_fault_fn fn, void *data)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&dev, GK_DEV, "dev", "vcm_hook", &ret);

	if (sys == NULL)
		return ret;
	dev->hook = fn;
	dev->hook_data = fn != NULL ? data : NULL;
	sys_unlock_(sys);
	return 0;
}

int vcm_dev_fault(struct vcm_dev *dev, const struct vcm_fault *fault)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&dev, GK_DEV, "dev", "vcm_dev_fault", &ret);
	vcm_fault_fn hook;
	void *data;
	struct vcm_dev *handle;
	struct vcm_fault copy;

	if (sys == NULL)
		return ret;
	if (fault == NULL) {
		ret = GERR(sys, -EINVAL, "fault is NULL");
		sys_unlock_(sys);
		return ret;
	}
	copy = *fault;
	dev->last_fault = copy;
	dev->nr_faults++;
	hook = dev->hook;
	data = dev->hook_data;
	handle = gobj_handle_(dev);
	sys_unlock_(sys);
	/* without the lock: the hook may repair the mapping through the graph */
	if (hook == NULL)
		return VCM_FAULT_TERMINATE;
	return hook(handle, data, &copy) == VCM_FAULT_RETRY ? VCM_FAULT_RETRY : VCM_FAULT_TERMINATE;
}

int vcm_dev_last_fault(struct vcm_dev *dev, struct vcm_fault *out, uint64_t *count)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&dev, GK_DEV, "dev", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (out == NULL)
		ret = GERR(sys, -EINVAL, "out is NULL");
	else if (dev->nr_faults == 0U)
		ret = GERR(sys, -ENOENT, "dev '%s' has reported no fault", dev->name);
	else
		*out = dev->last_fault;
	if (count != NULL)
		*count = dev->nr_faults;
	sys_unlock_(sys);
	return ret;
}
