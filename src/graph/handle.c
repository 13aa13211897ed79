// SPDX-License-Identifier: MIT
/*
 * Handles: every object a user holds is a slot of a per-system pool, carved
 * from slabs of metadata (cfg->plat->meta_alloc) that live until
 * vcm_sys_destroy(). A live slot carries its kind's magic; a freed one the
 * dead magic, and goes to the tail of a FIFO so it is reused as late as
 * possible. A slot's @sys is written when the slab is carved (or taken up
 * from a slot store) and does not change while that system lives, so any
 * handle that ever was live still leads to its system.
 *
 * Generations. A handle is the slot's address with the slot's generation
 * (gobj.gen, its lives so far) in bits the address leaves free, so a handle
 * of an earlier life is told apart from the current one however often the
 * slot is reused:
 *  - slots are SLOT_ALIGN (64) bytes aligned: bits 5..0 of the address are
 *    free. On 32-bit hosts they hold the generation's 6 low bits: 64 lives.
 *  - on 64-bit hosts a slot whose address fits in 48 bits (user space on
 *    x86-64 and Arm64) sets bit 0 and keeps 5 generation bits in bits 5..1
 *    and 16 more in bits 63..48: 2^21 lives. A slot above that (a high-half
 *    kernel address, a pointer tag in the top byte) leaves bit 0 clear and
 *    its top bits alone: 32 lives in bits 5..1.
 * A slot whose next life would not fit is retired: it stays dead and is never
 * handed out again, so every handle it ever gave stays -EINVAL while the
 * system lives. The cost is one slot of metadata per that many frees of the
 * slot, kept until vcm_sys_destroy().
 *
 * Slot stores (struct vcm_slots, cfg->slots). Without one, the slabs go back
 * to the platform at vcm_sys_destroy() and a handle kept past it points at
 * freed memory. With one, the slabs go to the store instead, slot @sys
 * cleared and generations kept, and the next system made with the store
 * takes them up again: a handle of any earlier system then names a slot of
 * the current one at a generation it has left behind, so it is -EINVAL. The
 * store's slabs come from its own platform ops, which outlive the systems.
 *
 * Also here: the metadata and lock wrappers every file uses, and the head
 * of every public call on a handle (gobj_lock_).
 */
#include "graph_internal.h"
#include "handle_sys.h"

#define FIRST_SLAB_SLOTS 8U
#define MAX_SLAB_SLOTS   512U

#define SLOT_ALIGN  64U
#define TAG_MASK    ((uintptr_t)SLOT_ALIGN - 1U)
/*
 * A slab's first slot starts on a 128-byte boundary, so slots of 128 bytes
 * (reservations, allocations) each fill one aligned pair of cache lines:
 * CPUs that fetch lines in pairs then never pull one thread's slot in with
 * another's. Started at 64 mod 128, two threads cycling through slots side
 * by side slowed each other down in some runs and not in others.
 */
#define SLAB_ALIGN  128U
#if UINTPTR_MAX > 0xffffffffU
#define HANDLE_WIDE 1
#define WIDE_SHIFT  48U               /* the generation's high bits start here */
#define WIDE_GENS   (UINT32_C(1) << 21)
#define NARROW_GENS (UINT32_C(1) << 5)
#else
#define HANDLE_WIDE 0
#define NARROW_GENS (UINT32_C(1) << 6)
#endif

struct gslab {
	struct gslab *next;
	size_t bytes;
	uint32_t n;
	/* then, from the first SLAB_ALIGN boundary, n slots of the pool's stride */
	unsigned char mem[];
};

/* The slabs of systems gone, per kind, while no system uses them. */
struct vcm_slots {
	const struct vcm_plat_ops *plat;
	struct vcm_sys *user; /* the system holding the slabs now, or NULL */
	struct {
		struct gslab *slabs;
		uint32_t next_n;
	} pools[GK_NR];
};

#if HANDLE_WIDE
/* Do handles of the slot at @a carry 21 generation bits (bit 0 set)? */
static bool slot_wide(uintptr_t a)
{
	return (a >> WIDE_SHIFT) == 0U;
}
#endif

/* How many lives the slot at @o may have. */
static uint32_t slot_gens(const struct gpool *p, const struct gobj *o)
{
#if HANDLE_WIDE
	uint32_t n = slot_wide((uintptr_t)o) ? WIDE_GENS : NARROW_GENS;
#else
	uint32_t n = NARROW_GENS;

	(void)o;
#endif
	if (p->gen_cap != 0U && p->gen_cap < n)
		n = p->gen_cap;
	return n;
}

/* The handle of the slot at @a in its life @gen. */
static void *handle_of(uintptr_t a, uint32_t gen)
{
#if HANDLE_WIDE
	if (slot_wide(a))
		return (void *)(a | 1U | (((uintptr_t)gen << 1) & TAG_MASK) |
				((uintptr_t)(gen >> 5) << WIDE_SHIFT));
	return (void *)(a | (((uintptr_t)gen << 1) & TAG_MASK));
#else
	return (void *)(a | ((uintptr_t)gen & TAG_MASK));
#endif
}

void *gobj_handle_(const void *obj)
{
	const struct gobj *o = obj;

	if (o == NULL)
		return NULL;
	return handle_of((uintptr_t)obj, o->gen);
}

void *gobj_slot_(const void *handle)
{
	uintptr_t h = (uintptr_t)handle;

#if HANDLE_WIDE
	if ((h & 1U) != 0U)
		h &= ((uintptr_t)1 << WIDE_SHIFT) - 1U;
#endif
	return (void *)(h & ~TAG_MASK);
}

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
#if GRAPH_FINE
	if (sys->l_sys != NULL) {
		sys->locks.lock(sys->locks.ctx, sys->l_sys, false);
		return;
	}
#endif
	if (sys->lock.lock != NULL)
		sys->lock.lock(sys->lock.ctx);
}

void sys_unlock_(struct vcm_sys *sys)
{
#if GRAPH_FINE
	if (sys->l_sys != NULL) {
		sys->locks.unlock(sys->locks.ctx, sys->l_sys, false);
		return;
	}
#endif
	if (sys->lock.unlock != NULL)
		sys->lock.unlock(sys->lock.ctx);
}

#if GRAPH_FINE
void leaf_lock_(struct vcm_sys *sys, void *l)
{
	if (l != NULL)
		sys->locks.lock(sys->locks.ctx, l, false);
}

void leaf_unlock_(struct vcm_sys *sys, void *l)
{
	if (l != NULL)
		sys->locks.unlock(sys->locks.ctx, l, false);
}
#endif

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

void graph_keep_msg_(struct vcm_sys *sys, char *to)
{
	const char *msg = graph_msg_(sys_diag_(sys)->msg);
	size_t n = 0;

	while (n + 1U < VCM_DIAG_MSG_LEN && msg[n] != '\0') {
		to[n] = msg[n];
		n++;
	}
	to[n] = '\0';
}

static const char *const kind_name[GK_NR] = {
	[GK_DEV] = "device",
	[GK_VCM] = "VCM",
	[GK_RES] = "reservation",
	[GK_BOUND] = "bound",
	[GK_AVCM] = "association",
	[GK_MEM] = "allocation",
};

static size_t round_slot(size_t v)
{
	return (v + SLOT_ALIGN - 1U) & ~(size_t)(SLOT_ALIGN - 1U);
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

/* Slab memory: the store's when the system has one (it outlives the system). */
static void *slab_alloc(struct vcm_sys *sys, size_t bytes)
{
	const struct vcm_plat_ops *plat = sys->slots != NULL ? sys->slots->plat : sys->plat;

	return plat->meta_alloc(plat->ctx, bytes);
}

static uintptr_t slab_first(const struct gslab *s)
{
	return ((uintptr_t)s->mem + SLAB_ALIGN - 1U) & ~(uintptr_t)(SLAB_ALIGN - 1U);
}

/* The slot @i of slab @s in a pool of @size-byte objects. */
static struct gobj *slab_slot(struct gslab *s, size_t size, uint32_t i)
{
	uintptr_t first = slab_first(s);

	return (struct gobj *)(first + (uintptr_t)i * round_slot(size));
}

static int grow(struct vcm_sys *sys, struct gpool *p)
{
	uint32_t n = p->next_n != 0U ? p->next_n : FIRST_SLAB_SLOTS;
	size_t size = round_slot(p->size);
	/* room to move the first slot up to a SLAB_ALIGN boundary */
	size_t bytes = sizeof(struct gslab) + SLAB_ALIGN - 1U + (size_t)n * size;
	struct gslab *s = slab_alloc(sys, bytes);
	uintptr_t first;

	if (s == NULL)
		return -ENOMEM;
	s->next = p->slabs;
	s->bytes = bytes;
	s->n = n;
	p->slabs = s;
	p->next_n = n < MAX_SLAB_SLOTS ? n * 2U : n;
	first = slab_first(s);
	for (uint32_t i = 0; i < n; i++) {
		struct gobj *o = (struct gobj *)(first + (uintptr_t)i * size);

		o->magic = GRAPH_MAGIC_DEAD;
		o->gen = 0;
		o->sys = sys;
		free_put(p, o);
	}
	return 0;
}

/* The pool's oldest dead slot, off its free list; NULL when the pool cannot grow. */
static struct gobj *pool_take(struct vcm_sys *sys, struct gpool *p, enum graph_kind k)
{
	struct gobj *o;

	if (p->size == 0U)
		p->size = obj_size[k];
	if (p->free_head == NULL && grow(sys, p) != 0)
		return NULL;
	o = p->free_head;
	p->free_head = o->free_next;
	if (p->free_head == NULL)
		p->free_tail = NULL;
	o->free_next = NULL;
	p->live++;
	return o;
}

/* A dead slot @o taken off a list becomes a new object of kind @k. */
static void *slot_birth(struct vcm_sys *sys, struct gobj *o, enum graph_kind k, size_t size)
{
	/* the header stays: a reader without the slots lock may load it */
	graph_zero((char *)o + sizeof(*o), size - sizeof(*o));
	VCM_ASSERT(o->sys == sys);
	(void)sys;
	gobj_set_owner_(o, NULL);
	__atomic_store_n(&o->magic, graph_magic(k), __ATOMIC_RELEASE);
	return o;
}

#if GRAPH_FINE
/* The calling thread's slot cache, or NULL when the system keeps none. */
static struct slot_cache *cache_of(struct vcm_sys *sys)
{
	if (sys->slot_cache[0].lock == NULL)
		return NULL;
	return &sys->slot_cache[sys->locks.self(sys->locks.ctx) % SLOT_CACHES];
}

/* Half a cache's worth of slots from the pool into empty @c (held); -ENOMEM if none. */
static int cache_fill(struct vcm_sys *sys, struct slot_cache *c)
{
	struct gpool *p = &sys->pools[GK_RES];
	struct gobj *o;

	leaf_lock_(sys, sys->l_slots);
	while (c->n < SLOT_CACHE_MAX / 2U) {
		/* grow only when the cache has nothing: a short pool is not a failure */
		if (p->free_head == NULL && c->n != 0U)
			break;
		o = pool_take(sys, p, GK_RES);
		if (o == NULL)
			break;
		c->ring[(c->head + c->n++) % SLOT_CACHE_MAX] = o;
	}
	leaf_unlock_(sys, sys->l_slots);
	return c->n != 0U ? 0 : -ENOMEM;
}

/* The oldest half of full @c (held) back to the pool's free list. */
static void cache_spill(struct vcm_sys *sys, struct slot_cache *c)
{
	struct gpool *p = &sys->pools[GK_RES];

	leaf_lock_(sys, sys->l_slots);
	while (c->n > SLOT_CACHE_MAX / 2U) {
		free_put(p, c->ring[c->head]);
		c->head = (c->head + 1U) % SLOT_CACHE_MAX;
		c->n--;
		p->live--;
	}
	leaf_unlock_(sys, sys->l_slots);
}
#endif

void *gobj_alloc_(struct vcm_sys *sys, enum graph_kind k)
{
	struct gpool *p = &sys->pools[k];
	struct gobj *o;

#if GRAPH_FINE
	struct slot_cache *c = k == GK_RES ? cache_of(sys) : NULL;

	if (c != NULL) {
		leaf_lock_(sys, c->lock);
		if (c->n == 0U && cache_fill(sys, c) != 0) {
			leaf_unlock_(sys, c->lock);
			return NULL;
		}
		o = c->ring[c->head];
		c->head = (c->head + 1U) % SLOT_CACHE_MAX;
		c->n--;
		leaf_unlock_(sys, c->lock);
		return slot_birth(sys, o, k, p->size);
	}
#endif
	leaf_lock_(sys, sys->l_slots);
	o = pool_take(sys, p, k);
	if (o != NULL)
		slot_birth(sys, o, k, p->size);
	leaf_unlock_(sys, sys->l_slots);
	return o;
}

unsigned long gobj_slabs_(const struct vcm_sys *sys)
{
	unsigned long n = 0;

	for (unsigned int k = 0; k < GK_NR; k++)
		for (const struct gslab *s = sys->pools[k].slabs; s != NULL; s = s->next)
			n++;
	return n;
}

void gobj_free_(struct vcm_sys *sys, enum graph_kind k, void *obj)
{
	struct gpool *p = &sys->pools[k];
	struct gobj *o = obj;

	VCM_ASSERT(o->magic == graph_magic(k) && o->sys == sys);
#if GRAPH_FINE
	struct slot_cache *c = k == GK_RES ? cache_of(sys) : NULL;

	/* a slot about to retire goes the pool's way below */
	if (c != NULL && o->gen + 1U < slot_gens(p, o)) {
		__atomic_store_n(&o->magic, GRAPH_MAGIC_DEAD, __ATOMIC_RELEASE);
		__atomic_store_n(&o->gen, o->gen + 1U, __ATOMIC_RELEASE);
		leaf_lock_(sys, c->lock);
		if (c->n == SLOT_CACHE_MAX)
			cache_spill(sys, c);
		c->ring[(c->head + c->n++) % SLOT_CACHE_MAX] = o;
		leaf_unlock_(sys, c->lock);
		return;
	}
#endif
	leaf_lock_(sys, sys->l_slots);
	p->live--;
	if (o->gen + 1U >= slot_gens(p, o)) {
		/* its handles could not be told from older ones: never reuse it */
		__atomic_store_n(&o->magic, GRAPH_MAGIC_RETIRED, __ATOMIC_RELEASE);
		p->retired++;
	} else {
		__atomic_store_n(&o->magic, GRAPH_MAGIC_DEAD, __ATOMIC_RELEASE);
		__atomic_store_n(&o->gen, o->gen + 1U, __ATOMIC_RELEASE);
		free_put(p, o);
	}
	leaf_unlock_(sys, sys->l_slots);
}

/* Hand @sys's slabs to its store: every slot dead, no system, generations kept. */
static void slots_keep(struct vcm_sys *sys)
{
	struct vcm_slots *st = sys->slots;

	for (unsigned int k = 0; k < GK_NR; k++) {
		struct gpool *p = &sys->pools[k];
		struct gslab *s = p->slabs;

		while (s != NULL) {
			struct gslab *next = s->next;

			for (uint32_t i = 0; i < s->n; i++) {
				struct gobj *o = slab_slot(s, p->size, i);

				/* destroy left nothing live; if it had, its handles go stale */
				if (o->magic == graph_magic((enum graph_kind)k)) {
					o->magic = GRAPH_MAGIC_DEAD;
					if (o->gen + 1U >= slot_gens(p, o))
						o->magic = GRAPH_MAGIC_RETIRED;
					else
						o->gen++;
				}
				o->sys = NULL;
			}
			s->next = st->pools[k].slabs;
			st->pools[k].slabs = s;
			s = next;
		}
		if (p->next_n > st->pools[k].next_n)
			st->pools[k].next_n = p->next_n;
		graph_zero(p, sizeof(*p));
	}
	st->user = NULL;
}

void gpool_fini_(struct vcm_sys *sys)
{
	if (sys->slots != NULL) {
		slots_keep(sys);
		return;
	}
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

int gpool_adopt_(struct vcm_sys *sys, struct vcm_slots *slots)
{
	if (slots->user != NULL)
		return -EBUSY;
	slots->user = sys;
	sys->slots = slots;
	for (unsigned int k = 0; k < GK_NR; k++) {
		struct gpool *p = &sys->pools[k];
		struct gslab *s = slots->pools[k].slabs;

		p->size = obj_size[k];
		p->slabs = s;
		p->next_n = slots->pools[k].next_n;
		for (; s != NULL; s = s->next) {
			for (uint32_t i = 0; i < s->n; i++) {
				struct gobj *o = slab_slot(s, p->size, i);

				o->sys = sys;
				if (o->magic == GRAPH_MAGIC_RETIRED)
					p->retired++;
				else
					free_put(p, o);
			}
		}
		slots->pools[k].slabs = NULL;
		slots->pools[k].next_n = 0;
	}
	return 0;
}

int vcm_slots_create(const struct vcm_plat_ops *plat, struct vcm_slots **out,
		     struct vcm_diag *diag)
{
	struct vcm_slots *st;

	vcm_diag_enter(diag, __func__);
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	if (plat == NULL || plat->meta_alloc == NULL || plat->meta_free == NULL)
		return VCM_ERR(diag, -EINVAL, "plat or its meta_alloc/meta_free is NULL");
	st = plat->meta_alloc(plat->ctx, sizeof(*st));
	if (st == NULL)
		return VCM_ERR(diag, -ENOMEM, "no metadata for the store");
	graph_zero(st, sizeof(*st));
	st->plat = plat;
	*out = st;
	return 0;
}

int vcm_slots_destroy(struct vcm_slots *slots)
{
	const struct vcm_plat_ops *plat;

	if (slots == NULL)
		return -EINVAL;
	if (slots->user != NULL)
		return -EBUSY;
	plat = slots->plat;
	for (unsigned int k = 0; k < GK_NR; k++) {
		struct gslab *s = slots->pools[k].slabs;

		while (s != NULL) {
			struct gslab *next = s->next;

			plat->meta_free(plat->ctx, s, s->bytes);
			s = next;
		}
	}
	plat->meta_free(plat->ctx, slots, sizeof(*slots));
	return 0;
}

/* The live system of the slot a handle names, or NULL (does not lock). */
static struct vcm_sys *gobj_sys_(const void *handle)
{
	const struct gobj *o = gobj_slot_(handle);

	if (o == NULL || !sys_live_(o->sys))
		return NULL;
	return o->sys;
}

struct vcm_sys *vcm_handle_sys_(const void *handle)
{
	return gobj_sys_(handle);
}

/*
 * Is @handle the current handle of a live object of kind @k? Its slot is @o.
 * The header is loaded atomically: with finer locks a call holding one VCM
 * may be handed a stale handle whose slot another VCM's call is reusing.
 */
static bool current(const void *handle, const struct gobj *o, enum graph_kind k)
{
	return o != NULL && __atomic_load_n(&o->magic, __ATOMIC_ACQUIRE) == graph_magic(k) &&
	       handle_of((uintptr_t)o, __atomic_load_n(&o->gen, __ATOMIC_ACQUIRE)) == handle;
}

/* The caller's handle variable is read and written as bytes: it may be of
 * any handle type. */
static const void *handle_get(const void *handlep)
{
	const void *h;

	__builtin_memcpy(&h, handlep, sizeof(h));
	return h;
}

static void handle_set(void *handlep, const void *obj)
{
	__builtin_memcpy(handlep, &obj, sizeof(obj));
}

bool gobj_ok_(void *handlep, enum graph_kind k)
{
	const void *h = handle_get(handlep);
	const struct gobj *o = gobj_slot_(h);

	if (gobj_sys_(h) == NULL || !current(h, o, k))
		return false;
	handle_set(handlep, o);
	return true;
}

bool gobj_take_(void *handlep, enum graph_kind k, const struct vcm_sys *sys)
{
	const void *h = handle_get(handlep);
	const struct gobj *o = gobj_slot_(h);

	if (o == NULL || o->sys != sys || !current(h, o, k))
		return false;
	handle_set(handlep, o);
	return true;
}

struct vcm_sys *gobj_lock_(void *handlep, enum graph_kind k, const char *what, const char *fn,
			   int *ret)
{
	const void *h = handle_get(handlep);
	struct vcm_sys *sys = gobj_sys_(h);
	const struct gobj *o = gobj_slot_(h);

	*ret = -EINVAL;
	if (sys == NULL)
		return NULL;
	sys_lock_(sys);
	/* helpers and mapper ops record under the call's name from here on */
	if (fn != NULL)
		vcm_diag_enter(sys_diag_(sys), fn);
	if (!current(h, o, k)) {
		if (fn != NULL)
			GERR(sys, -EINVAL, "%s is not a live %s", what, kind_name[k]);
		sys_unlock_(sys);
		return NULL;
	}
	handle_set(handlep, o);
	*ret = 0;
	return sys;
}

#if GRAPH_FINE
/*
 * Is @h current, and which VCM is its object's? Asked with no VCM locked:
 * objects of other VCMs are made and freed meanwhile, in this slot too, so
 * the header is read with atomic loads (the magic first: a live magic with
 * the handle's generation means the slot still holds the handle's object,
 * whose owner was stored before its handle was given out). The answer holds
 * until the object's VCM is locked, so the caller asks again then.
 */
static struct vcm *current_vcm(const void *h, const struct gobj *o, enum graph_kind k)
{
	uint32_t magic = __atomic_load_n(&o->magic, __ATOMIC_ACQUIRE);
	uint32_t gen = __atomic_load_n(&o->gen, __ATOMIC_ACQUIRE);

	if (magic != graph_magic(k) || handle_of((uintptr_t)o, gen) != h)
		return NULL;
	return __atomic_load_n(&o->owner, __ATOMIC_RELAXED);
}

struct vcm_sys *gobj_lock_vcm_(void *handlep, enum graph_kind k, const char *what, const char *fn,
			       int *ret, struct vcm **vcm)
{
	const void *h = handle_get(handlep);
	struct vcm_sys *sys = gobj_sys_(h);
	const struct gobj *o = gobj_slot_(h);
	struct vcm *v;

	*vcm = NULL;
	if (sys == NULL || !sys->fine) {
		*ret = -EINVAL;
		return sys == NULL ? NULL : gobj_lock_(handlep, k, what, fn, ret);
	}
	sys->locks.lock(sys->locks.ctx, sys->l_sys, true);
	if (fn != NULL)
		vcm_diag_enter(sys_diag_(sys), fn);
	/* VCMs go only under the exclusive lock: v lives while we hold it shared */
	v = current_vcm(h, o, k);
	if (v != NULL) {
		sys->locks.lock(sys->locks.ctx, v->lock, false);
		/* its object may have gone before we had the VCM: ask again */
		if (current_vcm(h, o, k) == v) {
			handle_set(handlep, o);
			*vcm = v;
			*ret = 0;
			return sys;
		}
		sys->locks.unlock(sys->locks.ctx, v->lock, false);
	}
	*ret = -EINVAL;
	if (fn != NULL)
		GERR(sys, -EINVAL, "%s is not a live %s", what, kind_name[k]);
	sys->locks.unlock(sys->locks.ctx, sys->l_sys, true);
	return NULL;
}

void vcm_leave_(struct vcm_sys *sys, struct vcm *vcm)
{
	if (vcm == NULL) {
		sys_unlock_(sys);
		return;
	}
	sys->locks.unlock(sys->locks.ctx, vcm->lock, false);
	sys->locks.unlock(sys->locks.ctx, sys->l_sys, true);
}
#endif
