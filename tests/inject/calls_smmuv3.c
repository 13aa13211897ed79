// SPDX-License-Identifier: MIT
/*
 * The SMMUv3 backend's calls that allocate, on the fake register file of
 * tests/dev (fake_smmuv3.h): init (stream table, command and event queues,
 * the unit's record) and a master (its record and context descriptor).
 */
#include "inject.h"
#include "../dev/fake_smmuv3.h"

#define SID  5U
#define ASID 7U

/* CR0, the arena, and the STE the master call writes. */
static void smmu_state(const struct world *w, FILE *out)
{
	fprintf(out, "smmuv3: cr0 %#x free %llu check %d", (unsigned int)fk.cr0,
		(unsigned long long)vcm_plat_arena_free_bytes(&arena),
		vcm_plat_arena_check_(&arena));
	if (w->dev_unit != NULL) {
		const uint64_t *ste = vcm_plat_arena_pa_to_cpu(
			&arena, fk.strtab_base & UINT64_C(0x000fffffffffffc0));

		assert_non_null(ste);
		for (unsigned int i = 0; i < 8U; i++)
			fprintf(out, " %llx", (unsigned long long)ste[SID * 8U + i]);
	}
	fputc('\n', out);
}

static void smmu_teardown(struct world *w)
{
	if (w->dev_unit != NULL)
		assert_int_equal(vcm_smmuv3_destroy(w->dev_unit), 0);
	w->dev_unit = NULL;
	assert_int_equal(vcm_plat_arena_check_(&arena), 0);
}

static void s_reset(struct world *w)
{
	fake_reset(true);
	w->dev_state = smmu_state;
	w->dev_teardown = smmu_teardown;
}

static void s_up(struct world *w)
{
	s_reset(w);
	w->dev_unit = make(8);
}

static const char *v_sid_bits(unsigned int variant)
{
	return variant == 0 ? "8 stream id bits" : "6 stream id bits, small queues";
}

static int o_init(struct world *w)
{
	struct vcm_smmuv3_cfg cfg = {
		.regs = { &fake_ops, &fk }, .plat = &plat, .poll_limit = 100,
		.sid_bits = w->variant == 0 ? 8U : 6U,
		.cmdq_lg2 = w->variant == 0 ? 0U : 4U, .evtq_lg2 = w->variant == 0 ? 0U : 4U,
	};
	struct vcm_smmuv3 *s = NULL;
	int ret = vcm_smmuv3_init(&cfg, &s, &w->diag);

	w->msg = w->diag.msg;
	if (ret == 0)
		w->dev_unit = s;
	return ret;
}

static int o_master(struct world *w)
{
	struct vcm_smmuv3_master *m = NULL;
	int ret = vcm_smmuv3_master(w->dev_unit, SID, ASID, &m);

	w->msg = vcm_smmuv3_last_error(w->dev_unit);
	return ret;
}

const struct inj_call inj_calls_smmuv3[] = {
	{ "smmuv3", "vcm_smmuv3_init", 2, v_sid_bits, s_reset, o_init, 0 },
	{ "smmuv3", "vcm_smmuv3_master", 0, NULL, s_up, o_master, 0 },
	{ 0 },
};
