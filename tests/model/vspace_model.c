// SPDX-License-Identifier: MIT
/* The brute-force vspace model: see vspace_model.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vspace_model.h"

void vsm_init(struct vsm *m, uint64_t start, uint64_t last)
{
	m->start = start;
	m->last = last;
	m->r = NULL;
	m->n = 0;
	m->cap = 0;
}

void vsm_fini(struct vsm *m)
{
	free(m->r);
	m->r = NULL;
	m->n = m->cap = 0;
}

static void insert(struct vsm *m, uint64_t start, uint64_t len)
{
	size_t i = 0;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->r = realloc(m->r, m->cap * sizeof(*m->r));
		if (m->r == NULL)
			abort();
	}
	while (i < m->n && m->r[i].start < start)
		i++;
	memmove(&m->r[i + 1], &m->r[i], (m->n - i) * sizeof(*m->r));
	m->r[i].start = start;
	m->r[i].len = len;
	m->n++;
}

/*
 * Does [a, a + len) fit in the gap [gs, gl] (inclusive; empty if gs > gl or
 * @empty)? Written with inclusive ends so that nothing wraps.
 */
static bool fits(uint64_t gs, uint64_t gl, bool empty, uint64_t a, uint64_t len)
{
	if (empty || a < gs || a > gl)
		return false;
	return len - 1 <= gl - a;
}

int vsm_first_fit(const struct vsm *m, uint64_t len, uint64_t align, uint64_t *da)
{
	/* gap i lies before range i; gap n after the last range */
	for (size_t i = 0; i <= m->n; i++) {
		uint64_t gs = i == 0 ? m->start : m->r[i - 1].start + m->r[i - 1].len;
		bool empty = i > 0 && gs == 0; /* previous range ended at 2^64 */
		uint64_t gl = i == m->n ? m->last : m->r[i].start - 1;
		uint64_t a;

		if (i < m->n && m->r[i].start == gs)
			continue;
		a = gs + ((align - gs % align) % align);
		if (a < gs) /* aligning wrapped past 2^64 */
			continue;
		if (fits(gs, gl, empty, a, len)) {
			*da = a;
			return 0;
		}
	}
	return -ENOSPC;
}

int vsm_reserve(struct vsm *m, uint64_t len, uint64_t align, uint64_t *da)
{
	int ret = vsm_first_fit(m, len, align, da);

	if (ret == 0)
		insert(m, *da, len);
	return ret;
}

int vsm_reserve_at(struct vsm *m, uint64_t da, uint64_t len)
{
	uint64_t last = da + (len - 1);

	if (da < m->start || last > m->last)
		return -ERANGE;
	for (size_t i = 0; i < m->n; i++) {
		uint64_t rl = m->r[i].start + (m->r[i].len - 1);

		if (!(last < m->r[i].start || da > rl))
			return -EEXIST;
	}
	insert(m, da, len);
	return 0;
}

int vsm_unreserve(struct vsm *m, uint64_t start)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->r[i].start == start) {
			memmove(&m->r[i], &m->r[i + 1], (m->n - i - 1) * sizeof(*m->r));
			m->n--;
			return 0;
		}
	}
	return -ENOENT;
}

long vsm_find(const struct vsm *m, uint64_t da)
{
	for (size_t i = 0; i < m->n; i++)
		if (da >= m->r[i].start && da - m->r[i].start < m->r[i].len)
			return (long)i;
	return -1;
}

uint64_t vsm_free_bytes(const struct vsm *m)
{
	uint64_t used = 0;

	for (size_t i = 0; i < m->n; i++)
		used += m->r[i].len;
	return m->last - m->start + 1 - used;
}
