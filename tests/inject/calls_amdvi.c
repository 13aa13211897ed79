// SPDX-License-Identifier: MIT
/*
 * The AMD-Vi backend's calls that allocate, on the fake register file of
 * tests/dev (fake_amdvi.h): init (device table, command buffer, event log,
 * completion-wait slot, the unit's record) and a device (its record).
 */
#include "inject.h"
#include "../dev/fake_amdvi.h"

#define DEVID 0x10U
#define DOMID 4U

/* The control register, the arena, and the device's table entry. */
static void amdvi_state(const struct world *w, FILE *out)
{
	struct env *e = w->dev_env;

	fprintf(out, "amdvi: control %#llx free %llu check %d",
		(unsigned long long)e->f.regs[R_CONTROL / 8],
		(unsigned long long)vcm_plat_arena_free_bytes(&e->f.arena),
		vcm_plat_arena_check_(&e->f.arena));
	if (e->m != NULL) {
		const uint64_t *dte = cpu(&e->f, vcm_amdvi_devtab_pa(e->m));

		for (unsigned int i = 0; i < 4U; i++)
			fprintf(out, " %llx", (unsigned long long)dte[DEVID * 4U + i]);
	}
	fputc('\n', out);
}

static void amdvi_teardown(struct world *w)
{
	struct env *e = w->dev_env;
	void *state = e;

	if (w->dev_sub != NULL)
		vcm_amdvi_dev_destroy(w->dev_sub);
	if (e->m != NULL)
		assert_int_equal(vcm_amdvi_destroy(e->m), 0);
	assert_int_equal(vcm_plat_arena_check_(&e->f.arena), 0);
	w->dev_sub = NULL;
	w->dev_env = NULL;
	amdvi_env_teardown(&state);
}

static void s_env(struct world *w)
{
	void *state = NULL;

	assert_int_equal(amdvi_env_setup(&state), 0);
	w->dev_env = state;
	w->dev_state = amdvi_state;
	w->dev_teardown = amdvi_teardown;
}

static void s_up(struct world *w)
{
	struct env *e;
	struct vcm_diag d = { 0 };

	s_env(w);
	e = w->dev_env;
	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, &d), 0);
}

static int o_init(struct world *w)
{
	struct env *e = w->dev_env;
	int ret = vcm_amdvi_init(&e->cfg, &e->m, &w->diag);

	w->msg = w->diag.msg;
	if (ret != 0)
		e->m = NULL;
	return ret;
}

static int o_dev_create(struct world *w)
{
	struct env *e = w->dev_env;
	struct vcm_amdvi_dev *d = NULL;
	int ret = vcm_amdvi_dev_create(e->m, DEVID, DOMID, &d);

	w->msg = vcm_amdvi_last_error(e->m);
	if (ret == 0)
		w->dev_sub = d;
	return ret;
}

const struct inj_call inj_calls_amdvi[] = {
	{ "amdvi", "vcm_amdvi_init", 0, NULL, s_env, o_init, 0 },
	{ "amdvi", "vcm_amdvi_dev_create", 0, NULL, s_up, o_dev_create, 0 },
	{ 0 },
};
