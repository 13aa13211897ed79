// SPDX-License-Identifier: MIT
/*
 * Hosted finer locks for the graph (struct vcm_lock_ops): the VCM and leaf
 * locks are one lock word each, the system's reader-writer lock one word per
 * reader slot, each on its own cache line (a reader takes its thread's slot,
 * a writer every slot, in order), so that readers on different cores share
 * no line, as a pthread rwlock's reader count would make them; and the order
 * of the ranks checked on every take.
 *
 * A lock word is taken with one atomic exchange and released with a store:
 * the graph holds these locks for a short part of one call, where a pthread
 * mutex costs two read-modify-writes and a library call on each side. A
 * waiter spins a little, then yields the CPU until the word is free, so a
 * holder that lost its CPU (more threads than cores) gets it back.
 *
 * The check: each thread keeps the locks it holds (a short stack: the graph
 * holds at most four at once); taking a lock whose rank is not above every
 * held one is a violation, reported with both names to the set's hook, or
 * without one printed and the process aborted. A deadlock of two threads
 * needs an order broken somewhere, so one thread breaking it is enough to
 * fail, however rare the interleaving that would hang.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <vcm/hosted.h>

#define HELD_MAX 8
#define READ_SLOTS 8U
#define SPINS 64

struct word {
	atomic_int taken;
} __attribute__((aligned(64)));

struct hlock {
	enum vcm_lock_rank rank;
	const char *name;
	bool rw;
	struct word w[READ_SLOTS]; /* !rw: w[0] only */
};

struct held {
	const struct hlock *l;
};

static _Thread_local struct held tl_held[HELD_MAX];
static _Thread_local unsigned int tl_nheld;
static _Thread_local uint32_t tl_self; /* number + 1, 0: none yet */
static atomic_uint_least32_t next_self;

static uint32_t hl_self(void *ctx);

static void word_lock(struct word *w)
{
	for (;;) {
		if (atomic_exchange_explicit(&w->taken, 1, memory_order_acquire) == 0)
			return;
		for (int i = 0; atomic_load_explicit(&w->taken, memory_order_relaxed) != 0; i++)
			if (i >= SPINS)
				sched_yield();
	}
}

static void word_unlock(struct word *w)
{
	atomic_store_explicit(&w->taken, 0, memory_order_release);
}

static void *hl_create(void *ctx, enum vcm_lock_rank rank, const char *name, bool rw)
{
	struct hlock *l;

	(void)ctx;
	if (posix_memalign((void **)&l, 64, sizeof(*l)) != 0)
		return NULL;
	l->rank = rank;
	l->name = name;
	l->rw = rw;
	for (unsigned int i = 0; i < READ_SLOTS; i++)
		atomic_init(&l->w[i].taken, 0);
	return l;
}

static void hl_destroy(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static void violation(struct vcm_hosted_locks *set, const struct hlock *held,
		      const struct hlock *l)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "lock order: taking %s (rank %d) while holding %s (rank %d)",
		 l->name, (int)l->rank, held->name, (int)held->rank);
	if (set->violation != NULL) {
		set->violation(set->arg, msg);
		return;
	}
	fprintf(stderr, "vcmm: %s\n", msg);
	abort();
}

static void order_check(struct vcm_hosted_locks *set, const struct hlock *l)
{
	/* more than HELD_MAX held only after violations a hook let through */
	unsigned int n = tl_nheld < HELD_MAX ? tl_nheld : HELD_MAX;

	for (unsigned int i = 0; i < n; i++) {
		if (tl_held[i].l != NULL && tl_held[i].l->rank >= l->rank) {
			violation(set, tl_held[i].l, l);
			break;
		}
	}
	if (tl_nheld < HELD_MAX)
		tl_held[tl_nheld].l = l;
	tl_nheld++; /* past HELD_MAX: counted, not checked */
}

static void order_drop(const struct hlock *l)
{
	unsigned int n = tl_nheld < HELD_MAX ? tl_nheld : HELD_MAX;

	for (unsigned int i = n; i-- > 0;) {
		if (tl_held[i].l == l) {
			for (unsigned int j = i; j + 1U < n; j++)
				tl_held[j] = tl_held[j + 1U];
			/* the last slot moved down: a lock held past HELD_MAX is not recorded */
			tl_held[n - 1U].l = NULL;
			break;
		}
	}
	if (tl_nheld > 0U)
		tl_nheld--;
}

static void hl_lock(void *ctx, void *p, bool shared)
{
	struct hlock *l = p;

	order_check(ctx, l);
	if (!l->rw) {
		word_lock(&l->w[0]);
	} else if (shared) {
		word_lock(&l->w[hl_self(NULL) % READ_SLOTS]);
	} else {
		for (unsigned int i = 0; i < READ_SLOTS; i++)
			word_lock(&l->w[i]);
	}
}

static void hl_unlock(void *ctx, void *p, bool shared)
{
	struct hlock *l = p;

	(void)ctx;
	if (!l->rw) {
		word_unlock(&l->w[0]);
	} else if (shared) {
		word_unlock(&l->w[hl_self(NULL) % READ_SLOTS]);
	} else {
		for (unsigned int i = READ_SLOTS; i-- > 0;)
			word_unlock(&l->w[i]);
	}
	order_drop(l);
}

static uint32_t hl_self(void *ctx)
{
	(void)ctx;
	if (tl_self == 0U)
		tl_self = (uint32_t)atomic_fetch_add(&next_self, 1U) + 1U;
	return tl_self - 1U;
}

void vcm_hosted_locks_init(struct vcm_hosted_locks *set)
{
	if (set == NULL)
		return;
	set->ops = (struct vcm_lock_ops){ .create = hl_create,
					  .destroy = hl_destroy,
					  .lock = hl_lock,
					  .unlock = hl_unlock,
					  .self = hl_self,
					  .ctx = set };
	set->violation = NULL;
	set->arg = NULL;
}

static _Thread_local struct vcm_diag tl_diag;

struct vcm_diag *vcm_hosted_diag_slot(void *ctx)
{
	(void)ctx;
	return &tl_diag;
}
