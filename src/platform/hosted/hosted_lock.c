// SPDX-License-Identifier: MIT
/*
 * Hosted convenience: a pthread mutex as the graph's system lock, so a
 * program that shares a system between threads need not write the two
 * wrappers itself. Nothing else: no recursion, no timeouts, no lock of its
 * own for the lower layers (the system lock covers them).
 */
#include <errno.h>
#include <vcm/hosted.h>

/* A default mutex fails only when misused (never initialised, or taken
 * twice by one thread), which the graph never does: nothing to report. */
static void mutex_lock(void *ctx)
{
	(void)pthread_mutex_lock(ctx);
}

static void mutex_unlock(void *ctx)
{
	(void)pthread_mutex_unlock(ctx);
}

int vcm_hosted_lock_init(struct vcm_hosted_lock *l)
{
	int ret;

	if (l == NULL)
		return -EINVAL;
	ret = pthread_mutex_init(&l->mutex, NULL);
	if (ret != 0)
		return -ret;
	l->lock.lock = mutex_lock;
	l->lock.unlock = mutex_unlock;
	l->lock.ctx = &l->mutex;
	return 0;
}

void vcm_hosted_lock_fini(struct vcm_hosted_lock *l)
{
	if (l != NULL)
		(void)pthread_mutex_destroy(&l->mutex);
}
