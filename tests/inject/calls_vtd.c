// SPDX-License-Identifier: MIT
/*
 * The VT-d backend's calls that allocate, on the fake register file of
 * tests/dev (fake_vtd.h): init (root table, invalidation queue and its
 * status word, the unit's record), queued and register-based, and a device
 * (its record and, first on its bus, a context table).
 */
#include "inject.h"
#include "../dev/fake_vtd.h"

#define SID 0x0108U /* bus 1, device 1 */
#define DID 3U
#define RTADDR 0x20U

static struct fake g_fake;

/* GSTS, the arena, and the root entry of the device's bus. */
static void vtd_state(const struct world *w, FILE *out)
{
	fprintf(out, "vtd: gsts %#llx free %llu check %d",
		(unsigned long long)get(&g_fake, GSTS, 4),
		(unsigned long long)vcm_plat_arena_free_bytes(g_fake.arena),
		vcm_plat_arena_check_(g_fake.arena));
	if (w->dev_unit != NULL) {
		const uint64_t *root = cpu(&g_fake, get(&g_fake, RTADDR, 8) & ~UINT64_C(0xfff));

		fprintf(out, " root[1] %llx %llx", (unsigned long long)root[2],
			(unsigned long long)root[3]);
	}
	fputc('\n', out);
}

static void vtd_teardown(struct world *w)
{
	if (w->dev_sub != NULL)
		assert_int_equal(vcm_vtd_dev_destroy(w->dev_sub), 0);
	if (w->dev_unit != NULL)
		assert_int_equal(vcm_vtd_fini(w->dev_unit), 0);
	w->dev_sub = NULL;
	w->dev_unit = NULL;
	fake_fini(&g_fake); /* every arena byte back */
}

static uint64_t ecap_of(unsigned int variant)
{
	return variant == 0 ? ECAP_QI_IRO : ECAP_NO_QI;
}

static const char *v_queue(unsigned int variant)
{
	return variant == 0 ? "queued invalidation" : "register-based invalidation";
}

static void s_fake(struct world *w)
{
	fake_init(&g_fake, CAP_BASE, ecap_of(w->variant));
	w->dev_state = vtd_state;
	w->dev_teardown = vtd_teardown;
}

static void s_up(struct world *w)
{
	/* up() makes the fake too */
	w->dev_unit = up(&g_fake, CAP_BASE, ecap_of(w->variant), 0);
	w->dev_state = vtd_state;
	w->dev_teardown = vtd_teardown;
}

static int o_init(struct world *w)
{
	struct vcm_vtd_cfg cfg = cfg_of(&g_fake, 0, 100);
	struct vcm_vtd *v = NULL;
	int ret = vcm_vtd_init(&cfg, &v, &w->diag);

	w->msg = w->diag.msg;
	if (ret == 0)
		w->dev_unit = v;
	return ret;
}

static int o_dev_create(struct world *w)
{
	struct vcm_vtd_dev *d = NULL;
	int ret = vcm_vtd_dev_create(w->dev_unit, SID, DID, &d);

	w->msg = vcm_vtd_last_error(w->dev_unit);
	if (ret == 0)
		w->dev_sub = d;
	return ret;
}

const struct inj_call inj_calls_vtd[] = {
	{ "vtd", "vcm_vtd_init", 2, v_queue, s_fake, o_init, 0 },
	{ "vtd", "vcm_vtd_dev_create", 2, v_queue, s_up, o_dev_create, 0 },
	{ 0 },
};
