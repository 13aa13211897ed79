// SPDX-License-Identifier: MIT
/*
 * Handles: every object a user holds is a slot of a per-system pool, carved
 * from slabs of metadata (cfg->plat->meta_alloc) that live until
 * vcm_sys_destroy(). A live slot carries its kind's magic; a freed one the
 * dead magic, and goes to the tail of a FIFO so it is reused as late as
 * possible. A slot's @sys is written when the slab is carved and never
 * changes, so any handle that ever was live still leads to its system.
 * Also here: the metadata and lock wrappers every file uses, and the head
 * of every public call on a handle (gobj_lock_).
 */
#include "graph_internal.h"

#define FIRST_SLAB_SLOTS 8U
#define MAX_SLAB_SLOTS   512U

struct gslab {
	struct gslab *next;
	size_t bytes;
	uint32_t n;
	/* n slots of pool->size bytes follow, aligned for any object */
	_Alignas(16) unsigned char slots[];
};

static const size_t obj_size[GK_NR] = {
	[GK_DEV] = sizeof(struct vcm_dev),
	[GK_VCM] = sizeof(struct vcm),
	[GK_RES] = sizeof(struct vcm_res),
	[GK_BOUND] = sizeof(struct vcm_bound),
	[GK_AVCM] = sizeof(struct vcm_avcm),
	[GK_MEM] = sizeof(struct vcm_mem),
};

void *meta_alloc_(struct vcm_sys *sys, size_t size)
{
	return sys->plat->meta_alloc(sys->plat->ctx, size);
}

void meta_free_(struct vcm_sys *sys, void *p, size_t size)
{
	if (p != NULL)
		sys->plat->meta_free(sys->plat->ctx, p, size);
}

void sys_lock_(struct vcm_sys *sys)
{
	if (sys->lock.lock != NULL)
		sys->lock.lock(sys->lock.ctx);
}

void sys_unlock_(struct vcm_sys *sys)
{
	if (sys->lock.unlock != NULL)
		sys->lock.unlock(sys->lock.ctx);
}

const char *graph_msg_(const char *msg)
{
	const char *p = msg;

	/* "vcm_xx_call: rest" -> "rest"; a message without the prefix stays */
	while (*p != '\0' && *p != ':' && *p != ' ')
		p++;
	if (p[0] == ':' && p[1] == ' ')
		return p + 2;
	return msg;
}

static const char *const kind_name[GK_NR] = {
	[GK_DEV] = "device",
	[GK_VCM] = "VCM",
	[GK_RES] = "reservation",
	[GK_BOUND] = "bound",
	[GK_AVCM] = "association",
	[GK_MEM] = "allocation",
};

static size_t round16(size_t v)
{
	return (v + 15U) & ~(size_t)15U;
}

/* A dead slot joins the tail of the FIFO: reused as late as possible. */
static void free_put(struct gpool *p, struct gobj *o)
{
	o->free_next = NULL;
	if (p->free_tail != NULL)
		p->free_tail->free_next = o;
	else
		p->free_head = o;
	p->free_tail = o;
}

static int grow(struct vcm_sys *sys, struct gpool *p)
{
	uint32_t n = p->next_n != 0U ? p->next_n : FIRST_SLAB_SLOTS;
	size_t size = round16(p->size);
	size_t bytes = sizeof(struct gslab) + (size_t)n * size;
	struct gslab *s = meta_alloc_(sys, bytes);

	if (s == NULL)
		return -ENOMEM;
	s->next = p->slabs;
	s->bytes = bytes;
	s->n = n;
	p->slabs = s;
	p->next_n = n < MAX_SLAB_SLOTS ? n * 2U : n;
	for (uint32_t i = 0; i < n; i++) {
		struct gobj *o = (struct gobj *)(void *)(s->slots + (size_t)i * size);

		o->magic = GRAPH_MAGIC_DEAD;
		o->sys = sys;
		free_put(p, o);
	}
	return 0;
}

void *gobj_alloc_(struct vcm_sys *sys, enum graph_kind k)
{
	struct gpool *p = &sys->pools[k];
	struct gobj *o;

	if (p->size == 0U)
		p->size = obj_size[k];
	if (p->free_head == NULL && grow(sys, p) != 0)
		return NULL;
	o = p->free_head;
	p->free_head = o->free_next;
	if (p->free_head == NULL)
		p->free_tail = NULL;
	graph_zero(o, p->size);
	o->magic = graph_magic(k);
	o->sys = sys;
	p->live++;
	return o;
}

void gobj_free_(struct vcm_sys *sys, enum graph_kind k, void *obj)
{
	struct gpool *p = &sys->pools[k];
	struct gobj *o = obj;

	VCM_ASSERT(o->magic == graph_magic(k) && o->sys == sys);
	o->magic = GRAPH_MAGIC_DEAD;
	free_put(p, o);
	p->live--;
}

void gpool_fini_(struct vcm_sys *sys)
{
	for (unsigned int k = 0; k < GK_NR; k++) {
		struct gslab *s = sys->pools[k].slabs;

		while (s != NULL) {
			struct gslab *next = s->next;

			meta_free_(sys, s, s->bytes);
			s = next;
		}
		graph_zero(&sys->pools[k], sizeof(sys->pools[k]));
	}
}

struct vcm_sys *gobj_sys_(const void *obj)
{
	const struct gobj *o = obj;

	if (o == NULL || !sys_live(o->sys))
		return NULL;
	return o->sys;
}

struct vcm_sys *gobj_lock_(const void *obj, enum graph_kind k, const char *what, const char *fn,
			   int *ret)
{
	struct vcm_sys *sys = gobj_sys_(obj);

	*ret = -EINVAL;
	if (sys == NULL)
		return NULL;
	sys_lock_(sys);
	if (fn != NULL)
		vcm_diag_enter(sys_diag_(sys), fn);
	if (!gobj_live(obj, k)) {
		if (fn != NULL)
			GERR(sys, -EINVAL, "%s is not a live %s", what, kind_name[k]);
		sys_unlock_(sys);
		return NULL;
	}
	*ret = 0;
	return sys;
}
