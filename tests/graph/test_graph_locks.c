// SPDX-License-Identifier: MIT
/*
 * The graph's finer locks (struct vcm_lock_ops, vcm_hosted_locks):
 *  - the hosted set checks the rank order: an out-of-order take is reported
 *    with both names to the hook, and aborts the process without one;
 *  - the graph takes them in order, shared for calls inside one VCM, and
 *    falls back to exclusive without a per-thread record;
 *  - two calls in two VCMs are inside their VCMs at the same time (a
 *    rendezvous in the lock op that a single lock could never pass);
 *  - a VCM's range cache keeps per-thread magazines.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "graph_fixture.h"
#include "../../src/graph/graph_internal.h"

/* ---- the hosted set's order check -------------------------------------------- */

struct seen {
	int n;
	char msg[160];
};

static void record(void *arg, const char *msg)
{
	struct seen *s = arg;

	if (s->n++ == 0)
		snprintf(s->msg, sizeof(s->msg), "%s", msg);
}

static void test_order_hook(void **state)
{
	struct vcm_hosted_locks set;
	struct seen seen = { 0 };
	void *sys, *sys2, *v1, *v2, *v3, *rmap;
	const struct vcm_lock_ops *o = &set.ops;

	(void)state;
	vcm_hosted_locks_init(&set);
	set.violation = record;
	set.arg = &seen;
	sys = o->create(o->ctx, VCM_LOCK_SYS, "system", true);
	v1 = o->create(o->ctx, VCM_LOCK_VCM, "VCM one", false);
	v2 = o->create(o->ctx, VCM_LOCK_VCM, "VCM two", false);
	v3 = o->create(o->ctx, VCM_LOCK_VCM, "VCM three", false);
	sys2 = o->create(o->ctx, VCM_LOCK_SYS, "system", true);
	rmap = o->create(o->ctx, VCM_LOCK_RMAP, "reverse map", false);
	assert_non_null(sys);
	assert_non_null(sys2);
	assert_non_null(v1);
	assert_non_null(v2);
	assert_non_null(v3);
	assert_non_null(rmap);

	/* in order: nothing to say */
	o->lock(o->ctx, sys, true);
	o->lock(o->ctx, v1, false);
	o->lock(o->ctx, rmap, false);
	o->unlock(o->ctx, rmap, false);
	o->unlock(o->ctx, v1, false);
	o->unlock(o->ctx, sys, true);
	assert_int_equal(seen.n, 0);

	/* the system after a VCM: both named (other locks than above, so that
	 * ThreadSanitizer's own order check sees no cycle) */
	o->lock(o->ctx, v2, false);
	o->lock(o->ctx, sys2, false);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.msg,
			    "lock order: taking system (rank 0) while holding VCM two (rank 1)");
	o->unlock(o->ctx, sys2, false);
	/* two VCMs at once: same rank, also out of order */
	o->lock(o->ctx, v3, false);
	assert_int_equal(seen.n, 2);
	o->unlock(o->ctx, v3, false);
	o->unlock(o->ctx, v2, false);

	/* released in any order, nothing is left held */
	seen.n = 0;
	o->lock(o->ctx, rmap, false);
	o->unlock(o->ctx, rmap, false);
	o->lock(o->ctx, v1, false);
	o->unlock(o->ctx, v1, false);
	assert_int_equal(seen.n, 0);
	o->destroy(o->ctx, rmap);
	o->destroy(o->ctx, v3);
	o->destroy(o->ctx, v2);
	o->destroy(o->ctx, v1);
	o->destroy(o->ctx, sys2);
	o->destroy(o->ctx, sys);
}

/*
 * A hook that lets violations through may leave a thread holding more locks
 * than the set records (8): those are counted, and the check reads only the
 * recorded ones (UBSan: an index past the array, before). Once all are
 * released, an in-order take reports nothing.
 */
static void test_order_many_held(void **state)
{
	enum { N = 11 };
	struct vcm_hosted_locks set;
	struct seen seen = { 0 };
	const struct vcm_lock_ops *o = &set.ops;
	void *v[N], *rmap, *slots;

	(void)state;
	vcm_hosted_locks_init(&set);
	set.violation = record;
	set.arg = &seen;
	for (int i = 0; i < N; i++)
		assert_non_null(v[i] = o->create(o->ctx, VCM_LOCK_VCM, "VCM", false));
	assert_non_null(rmap = o->create(o->ctx, VCM_LOCK_RMAP, "reverse map", false));
	assert_non_null(slots = o->create(o->ctx, VCM_LOCK_SLOTS, "slots", false));
	for (int i = 0; i < N; i++)
		o->lock(o->ctx, v[i], false);
	assert_int_equal(seen.n, N - 1);
	o->lock(o->ctx, rmap, false);
	assert_int_equal(seen.n, N - 1);
	o->unlock(o->ctx, rmap, false);
	/* released out of order: a recorded one first, then the rest */
	o->unlock(o->ctx, v[2], false);
	for (int i = N; i-- > 0;)
		if (i != 2)
			o->unlock(o->ctx, v[i], false);
	seen.n = 0;
	o->lock(o->ctx, rmap, false);
	o->lock(o->ctx, slots, false);
	o->unlock(o->ctx, slots, false);
	o->unlock(o->ctx, rmap, false);
	assert_int_equal(seen.n, 0);
	o->destroy(o->ctx, slots);
	o->destroy(o->ctx, rmap);
	for (int i = 0; i < N; i++)
		o->destroy(o->ctx, v[i]);
}

/* Without a hook the process aborts, the message naming both locks. */
static void test_order_abort(void **state)
{
	int fds[2], status;
	char out[256] = { 0 };
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct vcm_hosted_locks set;
		void *leaf, *v;

		close(fds[0]);
		dup2(fds[1], 2);
		vcm_hosted_locks_init(&set);
		leaf = set.ops.create(set.ops.ctx, VCM_LOCK_RMAP, "reverse map", false);
		v = set.ops.create(set.ops.ctx, VCM_LOCK_VCM, "VCM", false);
		set.ops.lock(set.ops.ctx, leaf, false);
		set.ops.lock(set.ops.ctx, v, false); /* planted: a VCM under a leaf */
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_true(n > 0);
	assert_non_null(strstr(out, "taking VCM (rank 1) while holding reverse map (rank 3)"));
}

/* ---- the graph's use of them --------------------------------------------------- */

/* Forwards to the hosted set, counting takes per rank and mode, and can hold
 * the first VCM take of each of two threads until both are inside. */
struct counted {
	struct vcm_lock_ops ops;
	struct vcm_hosted_locks set;
	struct seen seen;
	atomic_long takes[VCM_LOCK_NR];
	atomic_long shared_sys;
	atomic_int armed;   /* VCM takes left that wait for each other */
	atomic_int inside;  /* of them, inside now */
	atomic_int met;     /* of them, saw the other inside */
};

struct clock_ {
	enum vcm_lock_rank rank;
	void *inner;
};

static void *c_create(void *ctx, enum vcm_lock_rank rank, const char *name, bool rw)
{
	struct counted *c = ctx;
	struct clock_ *l = malloc(sizeof(*l));

	if (l == NULL)
		return NULL;
	l->rank = rank;
	l->inner = c->set.ops.create(c->set.ops.ctx, rank, name, rw);
	if (l->inner == NULL) {
		free(l);
		return NULL;
	}
	return l;
}

static void c_destroy(void *ctx, void *p)
{
	struct counted *c = ctx;
	struct clock_ *l = p;

	c->set.ops.destroy(c->set.ops.ctx, l->inner);
	free(l);
}

/* Wait (at most a few seconds, so a single lock fails rather than hangs)
 * until the other armed take is inside too. */
static void rendezvous(struct counted *c)
{
	struct timespec t0, t;

	atomic_fetch_add(&c->inside, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (atomic_load(&c->inside) >= 2) {
			atomic_fetch_add(&c->met, 1);
			return;
		}
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 5);
}

static void c_lock(void *ctx, void *p, bool shared)
{
	struct counted *c = ctx;
	struct clock_ *l = p;

	c->set.ops.lock(c->set.ops.ctx, l->inner, shared);
	atomic_fetch_add(&c->takes[l->rank], 1);
	if (l->rank == VCM_LOCK_SYS && shared)
		atomic_fetch_add(&c->shared_sys, 1);
	if (l->rank == VCM_LOCK_VCM && atomic_load(&c->armed) > 0 &&
	    atomic_fetch_sub(&c->armed, 1) > 0)
		rendezvous(c);
}

static void c_unlock(void *ctx, void *p, bool shared)
{
	struct counted *c = ctx;
	struct clock_ *l = p;

	c->set.ops.unlock(c->set.ops.ctx, l->inner, shared);
}

static void counted_init(struct counted *c)
{
	memset(c, 0, sizeof(*c));
	vcm_hosted_locks_init(&c->set);
	c->set.violation = record;
	c->set.arg = &c->seen;
	c->ops = (struct vcm_lock_ops){ c_create, c_destroy, c_lock, c_unlock,
					c->set.ops.self, &c->set, 0 };
	c->ops.ctx = c;
	/* self goes to the set, whose ctx it ignores */
}

static struct vcm_sys *fine_sys(struct counted *c, bool slot)
{
	static struct vcm_phys_range r = { GFX_MT0_PA, GFX_MT0_LEN };
	static struct vcm_phys_memtype_cfg mt = { &r, 1, 0 };
	struct vcm_sys_cfg cfg = { .plat = &g.plat, .memtypes = &mt, .nr_memtypes = 1,
				   .locks = &c->ops,
				   .diag_slot = slot ? vcm_hosted_diag_slot : NULL };
	struct vcm_diag d = { 0 };
	struct vcm_sys *sys;

	counted_init(c);
	if (vcm_sys_create(&cfg, &sys, &d) != 0)
		fail_msg("%s", d.msg);
	return sys;
}

struct lane {
	struct vcm_sys *sys;
	struct vcm_dev *dev;
	struct vcm_avcm *a;
	struct vcm *v;
	struct vcm_mem *m;
};

static void lane_up(struct lane *ln, struct vcm_sys *sys, const char *name)
{
	struct vcm_dev_cfg dc = g.cfg[D_V8S1];

	dc.name = name;
	ln->sys = sys;
	assert_int_equal(vcm_dev_register(sys, &dc, &ln->dev), 0);
	assert_int_equal(vcm_create(sys, 0x10000000, 256 * MB, &ln->v), 0);
	assert_int_equal(vcm_assoc(ln->v, ln->dev, 0, &ln->a), 0);
	assert_int_equal(vcm_activate(ln->a), 0);
	assert_int_equal(vcm_alloc(sys, 0, 64 * KB, 0, &ln->m), 0);
}

static void lane_down(struct lane *ln)
{
	assert_int_equal(vcm_free_phys(ln->sys, ln->m), 0);
	assert_int_equal(vcm_deactivate(ln->a), 0);
	assert_int_equal(vcm_deassoc(ln->a), 0);
	assert_int_equal(vcm_free(ln->v), 0);
	assert_int_equal(vcm_dev_unregister(ln->dev), 0);
}

/* reserve, back, check the translation and the reverse map, unback, unreserve */
static void lane_cycle(struct lane *ln)
{
	struct vcm_res *r, *got;
	vcm_pa_t pa;
	vcm_da_t da;

	assert_int_equal(vcm_reserve(ln->v, 64 * KB, 0, RW, &r), 0);
	assert_int_equal(vcm_back(r, ln->m), 0);
	da = vcm_get_dev_addr(r);
	assert_int_equal(vcm_dev_addr_to_phys_addr(ln->dev, 0, da, &pa), 0);
	assert_int_equal(pa, gfx_pa_of(ln->m, 0));
	got = vcm_get_res(ln->v, da + 4 * KB);
	assert_ptr_equal(got, r);
	assert_int_equal(vcm_get_phys_num_res(ln->sys, pa), 1);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	/* a stale handle is -EINVAL under the shared path too */
	assert_int_equal(vcm_unreserve(r), -EINVAL);
	assert_string_equal(vcm_sys_last_error(ln->sys),
			    "vcm_unreserve: res is not a live reservation");
}

static void test_graph_order(void **state)
{
	struct counted c;
	struct vcm_sys *sys = fine_sys(&c, true);
	struct lane ln;

	(void)state;
	lane_up(&ln, sys, "lane");
	for (int i = 0; i < 3; i++)
		lane_cycle(&ln);
	lane_down(&ln);
	assert_int_equal(vcm_sys_check_(sys), 0);
	assert_int_equal(vcm_sys_destroy(sys), 0);
	assert_int_equal(c.seen.n, 0);
	/* reserve, back, get_res, unback, unreserve x2 shared; the VCM lock for
	 * all but the stale unreserve; the thread's handle cache at reserve and
	 * unreserve, the pool behind it only to fill it */
	assert_true(atomic_load(&c.shared_sys) >= 3 * 6);
	assert_true(atomic_load(&c.takes[VCM_LOCK_VCM]) >= 3 * 5);
	assert_true(atomic_load(&c.takes[VCM_LOCK_SYS]) > atomic_load(&c.shared_sys));
	assert_true(atomic_load(&c.takes[VCM_LOCK_RMAP]) >= 3 * 2);
	assert_true(atomic_load(&c.takes[VCM_LOCK_SLOT_CACHE]) >= 3 * 2);
	assert_true(atomic_load(&c.takes[VCM_LOCK_SLOTS]) > 0);
	assert_true(atomic_load(&c.takes[VCM_LOCK_PLAT]) > 0);
	assert_true(atomic_load(&c.takes[VCM_LOCK_DEV]) > 0);
}

/* Without a per-thread record every call is exclusive, and still works. */
static void test_graph_no_slot(void **state)
{
	struct counted c;
	struct vcm_sys *sys = fine_sys(&c, false);
	struct lane ln;

	(void)state;
	lane_up(&ln, sys, "lane");
	lane_cycle(&ln);
	lane_down(&ln);
	assert_int_equal(vcm_sys_destroy(sys), 0);
	assert_int_equal(c.seen.n, 0);
	assert_int_equal(atomic_load(&c.shared_sys), 0);
	assert_int_equal(atomic_load(&c.takes[VCM_LOCK_VCM]), 0);
	assert_true(atomic_load(&c.takes[VCM_LOCK_SYS]) > 0);
}

static void *lane_thread(void *arg)
{
	struct lane *ln = arg;
	struct vcm_res *r;

	/* the first VCM take waits for the other thread's */
	if (vcm_reserve(ln->v, 64 * KB, 0, RW, &r) == 0) {
		(void)vcm_back(r, ln->m);
		(void)vcm_unback(r);
		(void)vcm_unreserve(r);
	}
	return NULL;
}

static void test_two_vcms_overlap(void **state)
{
	struct counted c;
	struct vcm_sys *sys = fine_sys(&c, true);
	struct lane ln[2];
	pthread_t th[2];

	(void)state;
	lane_up(&ln[0], sys, "one");
	lane_up(&ln[1], sys, "two");
	atomic_store(&c.armed, 2);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, lane_thread, &ln[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	/* each saw the other inside its own VCM */
	assert_int_equal(atomic_load(&c.met), 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(vcm_get_num_res(ln[i].v), 0);
		lane_down(&ln[i]);
	}
	assert_int_equal(vcm_sys_destroy(sys), 0);
	assert_int_equal(c.seen.n, 0);
}

struct other {
	struct vcm *v;
	vcm_da_t da;
	int ret;
};

static void *other_thread(void *arg)
{
	struct other *o = arg;
	struct vcm_res *r;

	o->ret = vcm_reserve(o->v, 64 * KB, 0, RW, &r);
	if (o->ret == 0) {
		o->da = vcm_get_dev_addr(r);
		o->ret = vcm_unreserve(r);
	}
	return NULL;
}

/*
 * The range cache of a VCM keeps each thread's freed ranges for that thread
 * (per-thread magazines, set up by the graph from the lock ops' self): a
 * range this thread freed is not what another thread's reserve gets, and is
 * what this thread's next reserve gets.
 */
static void test_cache_per_thread(void **state)
{
	const struct vcm_vs_cache_cfg on = { .flags = VCM_VS_CACHE_ON };
	struct counted c;
	struct vcm_sys *sys = fine_sys(&c, true);
	struct other o = { 0 };
	struct vcm_res *r;
	struct vcm *v;
	vcm_da_t mine;
	pthread_t th;

	(void)state;
	assert_int_equal(vcm_create(sys, 0x10000000, 256 * MB, &v), 0);
	assert_int_equal(vcm_set_range_cache(v, &on), 0);
	assert_int_equal(vcm_reserve(v, 64 * KB, 0, RW, &r), 0);
	mine = vcm_get_dev_addr(r);
	assert_int_equal(vcm_unreserve(r), 0);
	o.v = v;
	assert_int_equal(pthread_create(&th, NULL, other_thread, &o), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(o.ret, 0);
	assert_true(o.da != mine);
	assert_int_equal(vcm_reserve(v, 64 * KB, 0, RW, &r), 0);
	assert_int_equal(vcm_get_dev_addr(r), mine);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_sys_destroy(sys), 0);
	assert_int_equal(c.seen.n, 0);
}

#define HANDOFF 100

struct handoff {
	struct vcm *v;
	struct vcm_res *r[HANDOFF];
	int ret;
};

static void *unreserve_all(void *arg)
{
	struct handoff *h = arg;

	for (unsigned int i = 0; i < HANDOFF && h->ret == 0; i++)
		h->ret = vcm_unreserve(h->r[i]);
	return NULL;
}

/* Is @r one of the @n handles of @old? */
static bool among(struct vcm_res *r, struct vcm_res *const *old, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (old[i] == r)
			return true;
	return false;
}

/*
 * Reservation slots through the threads' caches: this thread makes more
 * reservations than a cache holds (the pool refills it), another thread frees
 * them all (its cache spills back to the pool), and a third round here takes
 * them again. Every freed handle stays -EINVAL, no new handle equals an old
 * one, the slots are reused rather than new slabs carved, and slots whose
 * lives run out retire from a cache as from the pool.
 */
static void test_slot_caches(void **state)
{
	struct counted c;
	struct vcm_sys *sys = fine_sys(&c, true);
	struct handoff h = { 0 };
	struct vcm_res *again[HANDOFF];
	unsigned long slabs;
	uint64_t retired;
	pthread_t th;

	(void)state;
	assert_int_equal(vcm_create(sys, 0x10000000, 256 * MB, &h.v), 0);
	for (unsigned int i = 0; i < HANDOFF; i++)
		assert_int_equal(vcm_reserve(h.v, 4 * KB, 0, RW, &h.r[i]), 0);
	slabs = gobj_slabs_(sys);
	assert_int_equal(pthread_create(&th, NULL, unreserve_all, &h), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(h.ret, 0);
	assert_int_equal(vcm_get_num_res(h.v), 0);
	for (unsigned int i = 0; i < HANDOFF; i++) {
		assert_int_equal(vcm_unreserve(h.r[i]), -EINVAL);
		assert_int_equal(vcm_get_res_len(h.r[i]), 0);
	}
	assert_int_equal(vcm_sys_check_(sys), 0);
	for (unsigned int i = 0; i < HANDOFF; i++) {
		assert_int_equal(vcm_reserve(h.v, 4 * KB, 0, RW, &again[i]), 0);
		assert_false(among(again[i], h.r, HANDOFF));
	}
	/* the other thread's spilled slots came back: nothing new was carved */
	assert_int_equal(gobj_slabs_(sys), slabs);
	for (unsigned int i = 0; i < HANDOFF; i++)
		assert_int_equal(vcm_unreserve(again[i]), 0);
	/* two lives a slot: every slot freed now in its second life retires */
	sys->pools[GK_RES].gen_cap = 2;
	retired = sys->pools[GK_RES].retired;
	for (unsigned int i = 0; i < HANDOFF; i++)
		assert_int_equal(vcm_reserve(h.v, 4 * KB, 0, RW, &h.r[i]), 0);
	for (unsigned int i = 0; i < HANDOFF; i++)
		assert_int_equal(vcm_unreserve(h.r[i]), 0);
	assert_true(sys->pools[GK_RES].retired > retired);
	for (unsigned int i = 0; i < HANDOFF; i++)
		assert_int_equal(vcm_unreserve(h.r[i]), -EINVAL);
	assert_int_equal(vcm_sys_check_(sys), 0);
	assert_int_equal(vcm_free(h.v), 0);
	assert_int_equal(vcm_sys_destroy(sys), 0);
	assert_int_equal(c.seen.n, 0);
	/* the slots went through the caches */
	assert_true(atomic_load(&c.takes[VCM_LOCK_SLOT_CACHE]) >= 4 * HANDOFF);
}

static int creates_left;

static void *fail_create(void *ctx, enum vcm_lock_rank rank, const char *name, bool rw)
{
	if (creates_left-- <= 0)
		return NULL;
	return c_create(ctx, rank, name, rw);
}

/* cfg->locks lacking an op is refused; a lock that cannot be made fails the
 * create with nothing left behind, whichever lock it is. */
static void test_cfg_errors(void **state)
{
	static struct vcm_phys_range r = { GFX_MT0_PA, GFX_MT0_LEN };
	static struct vcm_phys_memtype_cfg mt = { &r, 1, 0 };
	struct counted c;
	struct vcm_sys_cfg cfg = { .plat = &g.plat, .memtypes = &mt, .nr_memtypes = 1,
				   .locks = &c.ops, .diag_slot = vcm_hosted_diag_slot };
	struct vcm_diag d = { 0 };
	struct vcm_sys *sys;
	long live = g.meta_live;

	(void)state;
	counted_init(&c);
	c.ops.unlock = NULL;
	assert_int_equal(vcm_sys_create(&cfg, &sys, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_sys_create: cfg->locks lacks one of create, destroy, "
				   "lock, unlock");
	counted_init(&c);
	c.ops.create = fail_create;
	/*
	 * The system's, then device ops, slots, the reverse map's shards, the
	 * threads' handle caches, platform: each one refused in turn fails the
	 * create whole, until they are all made.
	 */
	int n;

	for (n = 0;; n++) {
		creates_left = n;
		if (vcm_sys_create(&cfg, &sys, &d) == 0)
			break;
		assert_string_equal(d.msg, "vcm_sys_create: cfg->locks could not make the "
					   "system's locks");
		assert_int_equal(g.meta_live, live);
		assert_true(n < 64);
	}
	/* one for the system, device ops, slots and platform, more for the shards and caches */
	assert_true(n > 4 + 2);
	assert_int_equal(vcm_sys_destroy(sys), 0);
	/* with every lock made, a VCM whose lock cannot be made is refused */
	creates_left = n;
	assert_int_equal(vcm_sys_create(&cfg, &sys, &d), 0);
	{
		struct vcm *v;

		assert_int_equal(vcm_create(sys, 0, 16 * MB, &v), -ENOMEM);
		assert_string_equal(vcm_sys_last_error(sys), "vcm_create: no lock for the VCM");
		creates_left = 1;
		assert_int_equal(vcm_create(sys, 0, 16 * MB, &v), 0);
		assert_int_equal(vcm_free(v), 0);
	}
	assert_int_equal(vcm_sys_destroy(sys), 0);
	assert_int_equal(g.meta_live, live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_hook),
		cmocka_unit_test(test_order_many_held),
		cmocka_unit_test(test_order_abort),
		T(test_graph_order),
		T(test_graph_no_slot),
		T(test_two_vcms_overlap),
		T(test_cache_per_thread),
		T(test_slot_caches),
		T(test_cfg_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
