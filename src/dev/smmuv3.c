// SPDX-License-Identifier: MIT
/*
 * Arm System Memory Management Unit Architecture Specification, SMMU
 * architecture version 3 (IHI 0070): a stage-1 backend for the graph
 * (include/vcm/smmuv3.h). Citations name the chapter and the register,
 * structure, command or event, since subsection numbers move between issues:
 * queues in 3.5, commands in chapter 4, STE and CD in 5.2 and 5.4,
 * registers in 6.3, event records in 7.3.
 *
 * What it keeps: a linear stream table (every STE aborts until its master is
 * programmed), one context descriptor per master, the command queue with a
 * shadow producer index, the event queue's consumer index. Commands are
 * batched and published by one CMDQ_PROD write per CMD_SYNC; completion is
 * CMDQ_CONS catching up with PROD, polled with a bound (the sync itself
 * signals nothing: CS = SIG_NONE, chapter 4, CMD_SYNC). The event queue is
 * read in smmuv3_evtq.c.
 *
 * Not done: stage 2, 2-level stream tables, substreams, stall, MSIs and
 * wired interrupts, PRI, ATS (see the header).
 */
#include <errno.h>
#include "smmuv3_internal.h"
#include "../util/fail.h"

/* 6.3 SMMU_IDR0 */
#define IDR0_S1P     VCM_BIT(1)
#define IDR0_TTF     VCM_GENMASK(3, 2)  /* 0b10 AArch64, 0b11 both */
#define IDR0_COHACC  VCM_BIT(4)         /* table and queue accesses can be coherent */
#define IDR0_HTTU    VCM_GENMASK(7, 6)  /* 1: access flag updates, 2: access and dirty */
#define IDR0_ASID16  VCM_BIT(12)
/* 6.3 SMMU_IDR1 */
#define IDR1_SIDSIZE VCM_GENMASK(5, 0)
#define IDR1_EVENTQS VCM_GENMASK(20, 16)
#define IDR1_CMDQS   VCM_GENMASK(25, 21)
#define IDR1_QUEUES_PRESET VCM_BIT(29)  /* the queue bases are fixed: not supported */
#define IDR1_TABLES_PRESET VCM_BIT(30)  /* the stream table base is fixed: not supported */
/* 6.3 SMMU_IDR3: range invalidation (TLBI_* with TG/NUM/SCALE) */
#define IDR3_RIL     VCM_BIT(10)
/* 6.3 SMMU_IDR5 */
#define IDR5_OAS     VCM_GENMASK(2, 0)
#define IDR5_GRAN4K  VCM_BIT(4)
#define IDR5_GRAN16K VCM_BIT(5)
#define IDR5_GRAN64K VCM_BIT(6)

/* 6.3 SMMU_CR0 */
#define CR0_SMMUEN   VCM_BIT(0)
#define CR0_EVENTQEN VCM_BIT(2)
#define CR0_CMDQEN   VCM_BIT(3)
/*
 * 6.3 SMMU_CR1: with IDR0.COHACC, tables and queues are read inner shareable
 * and write-back cacheable (as the CPU writes them); without, non-cacheable.
 */
#define CR1_QUEUE_IC VCM_GENMASK(1, 0)
#define CR1_QUEUE_OC VCM_GENMASK(3, 2)
#define CR1_QUEUE_SH VCM_GENMASK(5, 4)
#define CR1_TABLE_IC VCM_GENMASK(7, 6)
#define CR1_TABLE_OC VCM_GENMASK(9, 8)
#define CR1_TABLE_SH VCM_GENMASK(11, 10)
#define CACHE_WB     1U
#define SH_ISH       3U
/* 6.3 SMMU_CR2: record C_BAD_STREAMID; private TLB maintenance only */
#define CR2_RECINVSID VCM_BIT(1)
#define CR2_PTM       VCM_BIT(2)
/* 6.3 SMMU_GBPA: abort while SMMUEN is 0 */
#define GBPA_ABORT   VCM_BIT(20)
#define GBPA_UPDATE  VCM_BIT(31)
/* 6.3 SMMU_STRTAB_BASE, _BASE_CFG, SMMU_CMDQ_BASE, SMMU_EVENTQ_BASE */
#define BASE_RA          VCM_BIT(62)    /* read-allocate (WA for the event queue) */
#define BASE_ADDR        VCM_GENMASK(51, 6)
#define Q_BASE_ADDR      VCM_GENMASK(51, 5)
#define Q_BASE_LOG2SIZE  VCM_GENMASK(4, 0)
#define STRTAB_CFG_LOG2SIZE VCM_GENMASK(5, 0)
/* 6.3 SMMU_CMDQ_CONS.ERR: why the command at CONS was refused */
#define CMDQ_CONS_ERR    VCM_GENMASK(30, 24)

/* 5.2 Stream Table Entry (8 doublewords). */
#define STE_V            VCM_BIT(0)
#define STE_CONFIG       VCM_GENMASK(3, 1)
#define STE_CONFIG_ABORT 0U
#define STE_CONFIG_S1    5U             /* 0b101: stage 1 translate, stage 2 bypass */
#define STE_S1CTXPTR     VCM_GENMASK(51, 6)
#define STE_S1CIR        VCM_GENMASK(3, 2)  /* doubleword 1: CD fetch attributes */
#define STE_S1COR        VCM_GENMASK(5, 4)
#define STE_S1CSH        VCM_GENMASK(7, 6)

/* 5.4 Context Descriptor (8 doublewords). */
#define CD_T0SZ   VCM_GENMASK(5, 0)
#define CD_TG0    VCM_GENMASK(7, 6)
#define CD_IR0    VCM_GENMASK(9, 8)
#define CD_OR0    VCM_GENMASK(11, 10)
#define CD_SH0    VCM_GENMASK(13, 12)
#define CD_EPD1   VCM_BIT(30)
#define CD_V      VCM_BIT(31)
#define CD_IPS    VCM_GENMASK(34, 32)
#define CD_AA64   VCM_BIT(41)
#define CD_HD     VCM_BIT(42)           /* hardware dirty state updates (TCR.HD) */
#define CD_HA     VCM_BIT(43)           /* hardware access flag updates (TCR.HA) */
#define CD_R      VCM_BIT(45)           /* record faults in the event queue */
#define CD_A      VCM_BIT(46)           /* abort (terminate with an error) on fault */
#define CD_ASET   VCM_BIT(47)           /* ASID not shared with a PE */
#define CD_ASID   VCM_GENMASK(63, 48)
#define CD_TTB0   VCM_GENMASK(51, 4)    /* doubleword 1 */

/* The TTBR0 half of TCR_EL1 (Arm ARM DDI 0487, D13.2.120) that vcm_pt_hw() fills. */
#define TCR_T0SZ  VCM_GENMASK(5, 0)
#define TCR_IRGN0 VCM_GENMASK(9, 8)
#define TCR_ORGN0 VCM_GENMASK(11, 10)
#define TCR_SH0   VCM_GENMASK(13, 12)
#define TCR_TG0   VCM_GENMASK(15, 14)
#define TCR_IPS   VCM_GENMASK(34, 32)
#define TCR_HA    VCM_BIT(39)
#define TCR_HD    VCM_BIT(40)

/* Chapter 4: command opcodes and fields. */
#define CMD_OP           VCM_GENMASK(7, 0)
#define CMD_CFGI_STE     0x03U
#define CMD_CFGI_ALL     0x04U          /* CFGI_STE_RANGE with Range 31 */
#define CMD_CFGI_CD      0x05U
#define CMD_TLBI_NH_ASID 0x11U
#define CMD_TLBI_NH_VA   0x12U
#define CMD_TLBI_NSNH_ALL 0x30U
#define CMD_SYNC         0x46U
#define CMD_SID          VCM_GENMASK(63, 32)
#define CMD_SSID         VCM_GENMASK(31, 12)
#define CMD_RANGE        VCM_GENMASK(4, 0)  /* doubleword 1 of CFGI_STE_RANGE */
#define CMD_LEAF         VCM_BIT(0)         /* doubleword 1 */
#define CMD_ASID         VCM_GENMASK(63, 48)
#define CMD_NUM          VCM_GENMASK(16, 12)
#define CMD_SCALE        VCM_GENMASK(24, 20)
#define CMD_TG           VCM_GENMASK(11, 10) /* doubleword 1: 1 4K, 2 16K, 3 64K */
#define CMD_TTL          VCM_GENMASK(9, 8)   /* doubleword 1: leaf level 1..3, 0 any */
#define CMD_ADDR         VCM_GENMASK(63, 12) /* doubleword 1 */

#define SMMU_POLL_DEFAULT  1000000U
#define SMMU_TLBI_VA_MAX   512U   /* single-page commands before a whole-ASID one */
#define SMMU_SID_BITS_MAX  20U

static void relax(struct vcm_smmuv3 *s)
{
	if (s->regs.ops->relax != NULL)
		s->regs.ops->relax(s->regs.ctx);
}

static void put64(uint64_t *p, uint64_t v)
{
	*(volatile uint64_t *)p = v;
}

static void clean(struct vcm_smmuv3 *s, void *cpu, size_t len)
{
	if (s->plat->cache_clean != NULL)
		s->plat->cache_clean(s->plat->ctx, cpu, len);
}

static void note(struct vcm_smmuv3 *s, int err)
{
	if (err != 0 && s->pending == 0)
		s->pending = err;
}

/* ---- the command queue (3.5, 4) ------------------------------------------ */

static bool q_full(const struct smmu_queue *q)
{
	return ((q->prod ^ q->cons) & q_mask(q)) == (UINT32_C(1) << q->lg2);
}

/*
 * 3.5 (command errors): the SMMU stops consuming at an erroneous command and raises
 * GERROR.CMDQ_ERR with the reason in CMDQ_CONS.ERR. Report it, turn the
 * command into a CMD_SYNC so the queue can go on, and acknowledge by making
 * GERRORN.CMDQ_ERR equal to GERROR's (6.3 SMMU_GERRORN).
 */
static int cmdq_error(struct vcm_smmuv3 *s, uint32_t cons)
{
	uint64_t *e = s->cmdq.cpu + (size_t)q_idx(&s->cmdq, cons) * 2U;
	uint32_t gn = rd32(s, SMMU_GERRORN);
	unsigned int op = (unsigned int)VCM_FIELD_GET(CMD_OP, e[0]);

	put64(&e[0], VCM_FIELD_PREP(CMD_OP, CMD_SYNC));
	put64(&e[1], 0);
	clean(s, e, 16);
	wr32(s, SMMU_GERRORN, gn ^ (uint32_t)GERROR_CMDQ_ERR);
	return VCM_ERR(&s->diag, -EIO,
		       "command queue: command 0x%x at index %u refused: CMDQ_CONS.ERR %u", op,
			(unsigned int)q_idx(&s->cmdq, cons),
			(unsigned int)VCM_FIELD_GET(CMDQ_CONS_ERR, cons));
}

/*
 * Read CMDQ_CONS once and handle a command error. 1 when the queue is empty
 * (@empty) or has room for one more command (!@empty).
 */
static int cmdq_poll(struct vcm_smmuv3 *s, bool empty, int *err)
{
	uint32_t cons = rd32(s, SMMU_CMDQ_CONS);
	uint32_t g = rd32(s, SMMU_GERROR) ^ rd32(s, SMMU_GERRORN);

	s->cmdq.cons = cons & q_mask(&s->cmdq);
	if ((g & GERROR_CMDQ_ERR) != 0U) {
		int e = cmdq_error(s, cons);

		if (*err == 0)
			*err = e;
		return 0;
	}
	if (empty)
		return s->cmdq.cons == s->cmdq.prod;
	return !q_full(&s->cmdq);
}

static int cmdq_wait(struct vcm_smmuv3 *s, bool empty)
{
	int err = 0;

	for (uint32_t i = 0; i < s->poll_limit; i++) {
		if (cmdq_poll(s, empty, &err))
			return err;
		relax(s);
	}
	return VCM_ERR(&s->diag, -ETIMEDOUT,
		       "command queue: CMDQ_CONS 0x%x never reached PROD 0x%x (%u polls)",
			(unsigned int)s->cmdq.cons, (unsigned int)s->cmdq.prod,
			(unsigned int)s->poll_limit);
}

/* Queue one command; publish and wait for room when the queue is full. */
static int cmd_add(struct vcm_smmuv3 *s, uint64_t w0, uint64_t w1)
{
	struct smmu_queue *q = &s->cmdq;
	uint64_t *e;

	if (q_full(q)) {
		int err;

		wr32(s, SMMU_CMDQ_PROD, q->prod);
		err = cmdq_wait(s, false);
		if (err != 0)
			return err;
	}
	e = q->cpu + (size_t)q_idx(q, q->prod) * 2U;
	put64(&e[0], w0);
	put64(&e[1], w1);
	clean(s, e, 16);
	q->prod = (q->prod + 1U) & q_mask(q);
	return 0;
}

/* Chapter 4, CMD_SYNC: publish everything queued and wait for all of it. */
static int cmd_sync(struct vcm_smmuv3 *s, int err)
{
	int e = cmd_add(s, VCM_FIELD_PREP(CMD_OP, CMD_SYNC), 0);

	if (e == 0) {
		wr32(s, SMMU_CMDQ_PROD, s->cmdq.prod);
		e = cmdq_wait(s, true);
	}
	return err != 0 ? err : e;
}

static int cmd_cfgi_ste(struct vcm_smmuv3 *s, uint32_t sid)
{
	return cmd_add(s, VCM_FIELD_PREP(CMD_OP, CMD_CFGI_STE) | VCM_FIELD_PREP(CMD_SID, sid),
		       CMD_LEAF);
}

static int cmd_tlbi_asid(struct vcm_smmuv3 *s, uint32_t asid)
{
	return cmd_add(s, VCM_FIELD_PREP(CMD_OP, CMD_TLBI_NH_ASID) |
			  VCM_FIELD_PREP(CMD_ASID, asid), 0);
}

/* ---- bring-up (6.3: SMMU_CR0, CR1, CR2, GBPA) --------------------------------- */

static int cr0_set(struct vcm_smmuv3 *s, uint32_t v)
{
	wr32(s, SMMU_CR0, v);
	for (uint32_t i = 0; i < s->poll_limit; i++) {
		if (rd32(s, SMMU_CR0ACK) == v)
			return 0;
		relax(s);
	}
	return VCM_ERR(&s->diag, -ETIMEDOUT,
			"CR0ACK 0x%x never followed CR0 0x%x", (unsigned int)rd32(s, SMMU_CR0ACK),
			(unsigned int)v);
}

static int q_alloc(struct vcm_smmuv3 *s, struct smmu_queue *q, unsigned int lg2,
		   unsigned int dwords)
{
	uint64_t bytes = (uint64_t)dwords * 8U << lg2;
	void *cpu;

	/* 6.3 SMMU_CMDQ_BASE: the base is aligned to the queue size, at least 32 bytes */
	if (s->plat->table_alloc(s->plat->ctx, bytes, bytes < 32U ? 32U : bytes, &q->pa, &cpu) != 0)
		return VCM_ERR(&s->diag, -ENOMEM,
				"no memory for a queue of %llu bytes", vcm_ull(bytes));
	q->cpu = cpu;
	q->bytes = bytes;
	q->lg2 = lg2;
	q->dwords = dwords;
	q->prod = 0;
	q->cons = 0;
	return 0;
}

static void q_free(struct vcm_smmuv3 *s, struct smmu_queue *q)
{
	if (q->cpu != NULL)
		s->plat->table_free(s->plat->ctx, q->pa, q->cpu, q->bytes);
	q->cpu = NULL;
}

static void smmu_free(struct vcm_smmuv3 *s)
{
	while (s->masters != NULL) {
		struct vcm_smmuv3_master *m = s->masters;

		s->masters = m->next;
		s->plat->table_free(s->plat->ctx, m->cd_pa, m->cd, 64);
		s->plat->meta_free(s->plat->ctx, m, sizeof(*m));
	}
	q_free(s, &s->cmdq);
	q_free(s, &s->evtq);
	if (s->strtab != NULL)
		s->plat->table_free(s->plat->ctx, s->strtab_pa, s->strtab, s->strtab_bytes);
	s->plat->meta_free(s->plat->ctx, s, sizeof(*s));
}

static int check_cfg(const struct vcm_smmuv3_cfg *cfg, struct vcm_diag *diag)
{

	if (cfg == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg is NULL");
	if (cfg->regs.ops == NULL || cfg->regs.ops->read32 == NULL ||
	    cfg->regs.ops->write32 == NULL || cfg->regs.ops->write64 == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg->regs has no read32/write32/write64 op");
	if (cfg->plat == NULL || cfg->plat->table_alloc == NULL || cfg->plat->table_free == NULL ||
	    cfg->plat->meta_alloc == NULL || cfg->plat->meta_free == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg->plat lacks table or meta alloc/free");
	if (cfg->sid_bits < 1U || cfg->sid_bits > SMMU_SID_BITS_MAX)
		return VCM_ERR(diag, -EINVAL, "cfg->sid_bits %u is not in 1..%u",
				cfg->sid_bits, SMMU_SID_BITS_MAX);
	if (cfg->cmdq_lg2 > 19U || cfg->evtq_lg2 > 19U)
		return VCM_ERR(diag, -EINVAL, "cfg->cmdq_lg2 %u / evtq_lg2 %u above 19",
				cfg->cmdq_lg2, cfg->evtq_lg2);
	return 0;
}

/* Read the ID registers and check that this SMMU can do what we ask. */
static int probe(struct vcm_smmuv3 *s, const struct vcm_smmuv3_cfg *cfg, struct vcm_diag *diag)
{
	unsigned int ttf;

	s->idr0 = rd32(s, SMMU_IDR0);
	s->idr1 = rd32(s, SMMU_IDR1);
	s->idr3 = rd32(s, SMMU_IDR3);
	s->idr5 = rd32(s, SMMU_IDR5);
	s->aidr = rd32(s, SMMU_AIDR);
	ttf = (unsigned int)VCM_FIELD_GET(IDR0_TTF, s->idr0);
	if ((s->idr0 & IDR0_S1P) == 0U || (ttf & 2U) == 0U)
		return VCM_ERR(diag, -EOPNOTSUPP,
				"IDR0 0x%x: no stage 1 with AArch64 tables", (unsigned int)s->idr0);
	/* 6.3 SMMU_IDR1: fixed bases, which this driver does not take over */
	if ((s->idr1 & (IDR1_TABLES_PRESET | IDR1_QUEUES_PRESET)) != 0U)
		return VCM_ERR(diag, -EOPNOTSUPP, "IDR1 0x%x: %s_PRESET (fixed bases) not supported",
				(unsigned int)s->idr1,
				(s->idr1 & IDR1_TABLES_PRESET) != 0U ? "TABLES" : "QUEUES");
	if (cfg->sid_bits > VCM_FIELD_GET(IDR1_SIDSIZE, s->idr1))
		return VCM_ERR(diag, -EOPNOTSUPP, "cfg->sid_bits %u above IDR1.SIDSIZE %u",
				cfg->sid_bits, (unsigned int)VCM_FIELD_GET(IDR1_SIDSIZE, s->idr1));
	if (cfg->cmdq_lg2 > VCM_FIELD_GET(IDR1_CMDQS, s->idr1) ||
	    cfg->evtq_lg2 > VCM_FIELD_GET(IDR1_EVENTQS, s->idr1))
		return VCM_ERR(diag, -EOPNOTSUPP,
				"cfg->cmdq_lg2 %u / evtq_lg2 %u above IDR1.CMDQS %u / EVENTQS %u",
				cfg->cmdq_lg2, cfg->evtq_lg2,
				(unsigned int)VCM_FIELD_GET(IDR1_CMDQS, s->idr1),
				(unsigned int)VCM_FIELD_GET(IDR1_EVENTQS, s->idr1));
	return 0;
}

/*
 * 6.3 SMMU_IDR5.OAS: the SMMU reaches @what only below 2^OAS, and the base
 * registers and STE.S1ContextPtr hold bits 51:6 at most: refuse rather than
 * truncate. Not inlined: one copy for four callers (the firmware images have
 * a size budget).
 */
__attribute__((noinline))
static int pa_check(struct vcm_smmuv3 *s, struct vcm_diag *diag, const char *what, vcm_pa_t pa,
		    uint64_t bytes)
{
	static const unsigned char oas_bits[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };
	unsigned int oas = oas_bits[VCM_FIELD_GET(IDR5_OAS, s->idr5)];
	vcm_pa_t last = pa + bytes - 1U;

	if (last < pa || (last >> oas) != 0U)
		return VCM_ERR(diag, -ERANGE, "the %s at pa %#llx is beyond IDR5.OAS (%u bits)",
				what, vcm_ull(pa), oas);
	return 0;
}

static unsigned int min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static int bring_up(struct vcm_smmuv3 *s)
{
	int err;

	/*
	 * 6.3 SMMU_GBPA: transactions abort (rather than bypass) while SMMUEN is
	 * 0. Set first, before an SMMU left enabled is turned off, so that no
	 * transaction passes untranslated in between (the reset value bypasses).
	 * The register takes a write only while Update is 0 (one made while an
	 * earlier update is under way is ignored): wait for Update 0, write,
	 * then wait again for the SMMU to have taken ours.
	 */
	for (unsigned int pass = 0; pass < 2U; pass++) {
		for (uint32_t i = 0; (rd32(s, SMMU_GBPA) & GBPA_UPDATE) != 0U; i++) {
			if (i == s->poll_limit)
				return VCM_ERR(&s->diag, -ETIMEDOUT,
						"GBPA.Update never cleared");
			relax(s);
		}
		if (pass == 0U)
			wr32(s, SMMU_GBPA, (uint32_t)(GBPA_ABORT | GBPA_UPDATE));
	}
	/* 6.3 SMMU_CR0: program the bases only with SMMUEN and the queues off */
	if (rd32(s, SMMU_CR0) != 0U) {
		err = cr0_set(s, 0);
		if (err != 0)
			return err;
	}
	if ((s->idr0 & IDR0_COHACC) != 0U)
		wr32(s, SMMU_CR1, (uint32_t)(VCM_FIELD_PREP(CR1_TABLE_IC, CACHE_WB) |
					     VCM_FIELD_PREP(CR1_TABLE_OC, CACHE_WB) |
					     VCM_FIELD_PREP(CR1_TABLE_SH, SH_ISH) |
					     VCM_FIELD_PREP(CR1_QUEUE_IC, CACHE_WB) |
					     VCM_FIELD_PREP(CR1_QUEUE_OC, CACHE_WB) |
					     VCM_FIELD_PREP(CR1_QUEUE_SH, SH_ISH)));
	else
		wr32(s, SMMU_CR1, 0);
	wr32(s, SMMU_CR2, (uint32_t)(CR2_RECINVSID | CR2_PTM));
	s->regs.ops->write64(s->regs.ctx, SMMU_STRTAB_BASE,
			     BASE_RA | (s->strtab_pa & BASE_ADDR));
	/* FMT 0: linear (6.3 SMMU_STRTAB_BASE_CFG) */
	wr32(s, SMMU_STRTAB_BASE_CFG, (uint32_t)VCM_FIELD_PREP(STRTAB_CFG_LOG2SIZE, s->sid_bits));
	s->regs.ops->write64(s->regs.ctx, SMMU_CMDQ_BASE, BASE_RA | (s->cmdq.pa & Q_BASE_ADDR) |
			     VCM_FIELD_PREP(Q_BASE_LOG2SIZE, s->cmdq.lg2));
	wr32(s, SMMU_CMDQ_PROD, 0);
	wr32(s, SMMU_CMDQ_CONS, 0);
	s->regs.ops->write64(s->regs.ctx, SMMU_EVENTQ_BASE, BASE_RA | (s->evtq.pa & Q_BASE_ADDR) |
			     VCM_FIELD_PREP(Q_BASE_LOG2SIZE, s->evtq.lg2));
	wr32(s, SMMU_EVENTQ_PROD, 0);
	wr32(s, SMMU_EVENTQ_CONS, 0);
	err = cr0_set(s, (uint32_t)(CR0_CMDQEN | CR0_EVENTQEN));
	if (err != 0)
		return err;
	/* chapter 4, CMD_CFGI_ALL, CMD_TLBI_NSNH_ALL: forget what was cached before */
	err = cmd_add(s, VCM_FIELD_PREP(CMD_OP, CMD_CFGI_ALL), VCM_FIELD_PREP(CMD_RANGE, 31U));
	if (err == 0)
		err = cmd_add(s, VCM_FIELD_PREP(CMD_OP, CMD_TLBI_NSNH_ALL), 0);
	err = cmd_sync(s, err);
	if (err != 0)
		return err;
	return cr0_set(s, (uint32_t)(CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN));
}

int vcm_smmuv3_init(const struct vcm_smmuv3_cfg *cfg, struct vcm_smmuv3 **out,
		    struct vcm_diag *diag)
{
	struct vcm_smmuv3 *s;
	void *cpu;
	int err;

	vcm_diag_enter(diag, __func__);
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	*out = NULL;
	err = check_cfg(cfg, diag);
	if (err != 0)
		return err;
	s = cfg->plat->meta_alloc(cfg->plat->ctx, sizeof(*s));
	if (s == NULL)
		return VCM_ERR(diag, -ENOMEM, "no memory for the SMMU object");
	__builtin_memset(s, 0, sizeof(*s));
	vcm_diag_enter(&s->diag, __func__);
	s->regs = cfg->regs;
	s->plat = cfg->plat;
	s->poll_limit = cfg->poll_limit != 0U ? cfg->poll_limit : SMMU_POLL_DEFAULT;
	s->sid_bits = cfg->sid_bits;
	err = probe(s, cfg, diag);
	if (err != 0)
		goto fail;
	/* 5.2: 64-byte STEs; a linear table is aligned to its size (6.3 SMMU_STRTAB_BASE) */
	s->strtab_bytes = UINT64_C(64) << s->sid_bits;
	if (s->plat->table_alloc(s->plat->ctx, s->strtab_bytes, s->strtab_bytes, &s->strtab_pa,
				 &cpu) != 0) {
		err = VCM_ERR(diag, -ENOMEM, "no memory for a stream table of %llu bytes",
			       vcm_ull(s->strtab_bytes));
		goto fail;
	}
	s->strtab = cpu;
	err = pa_check(s, diag, "stream table", s->strtab_pa, s->strtab_bytes);
	if (err != 0)
		goto fail;
	for (uint64_t i = 0; i < (UINT64_C(1) << s->sid_bits); i++)
		put64(&s->strtab[i * 8U], STE_V | VCM_FIELD_PREP(STE_CONFIG, STE_CONFIG_ABORT));
	clean(s, s->strtab, (size_t)s->strtab_bytes);
	err = q_alloc(s, &s->cmdq, cfg->cmdq_lg2 != 0U ? cfg->cmdq_lg2 :
		      min_u(8U, (unsigned int)VCM_FIELD_GET(IDR1_CMDQS, s->idr1)), 2U);
	if (err == 0)
		err = q_alloc(s, &s->evtq, cfg->evtq_lg2 != 0U ? cfg->evtq_lg2 :
			      min_u(7U, (unsigned int)VCM_FIELD_GET(IDR1_EVENTQS, s->idr1)), 4U);
	if (err == 0)
		err = pa_check(s, &s->diag, "command queue", s->cmdq.pa, s->cmdq.bytes);
	if (err == 0)
		err = pa_check(s, &s->diag, "event queue", s->evtq.pa, s->evtq.bytes);
	if (err != 0) {
		if (diag != NULL)
			*diag = s->diag;
		goto fail;
	}
	err = bring_up(s);
	if (err != 0) {
		if (diag != NULL)
			*diag = s->diag;
		/* queues off, acknowledged, before their memory goes (first error kept) */
		(void)cr0_set(s, 0);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	smmu_free(s);
	return err;
}

int vcm_smmuv3_destroy(struct vcm_smmuv3 *smmu)
{
	int err;

	if (smmu == NULL)
		return 0;
	vcm_diag_enter(&smmu->diag, __func__);
	for (const struct vcm_smmuv3_master *m = smmu->masters; m != NULL; m = m->next)
		if (m->granule_lg2 != 0U)
			return VCM_ERR(&smmu->diag, -EBUSY,
				       "master sid %#x still has a table programmed (deactivate it)",
				       (unsigned int)m->sid);
	err = cr0_set(smmu, 0);
	smmu_free(smmu);
	return err;
}

const char *vcm_smmuv3_last_error(const struct vcm_smmuv3 *smmu)
{
	return smmu != NULL ? smmu->diag.msg : "";
}

int vcm_smmuv3_take_error(struct vcm_smmuv3 *smmu)
{
	int err;

	if (smmu == NULL)
		return -EINVAL;
	err = smmu->pending;
	smmu->pending = 0;
	return err;
}

/* ---- masters --------------------------------------------------------------- */

struct vcm_smmuv3_master *smmuv3_find_sid_(struct vcm_smmuv3 *s, uint32_t sid)
{
	for (struct vcm_smmuv3_master *m = s->masters; m != NULL; m = m->next)
		if (m->sid == sid)
			return m;
	return NULL;
}

int vcm_smmuv3_master(struct vcm_smmuv3 *smmu, uint32_t sid, uint32_t asid,
		      struct vcm_smmuv3_master **out)
{
	uint32_t asid_lim;
	struct vcm_smmuv3_master *m;
	void *cpu;

	vcm_diag_enter(smmu != NULL ? &smmu->diag : NULL, __func__);
	if (smmu == NULL || out == NULL)
		return VCM_ERR(smmu != NULL ? &smmu->diag : NULL, -EINVAL,
				"%s is NULL", smmu == NULL ? "smmu" : "out");
	*out = NULL;
	if (sid >= (UINT32_C(1) << smmu->sid_bits))
		return VCM_ERR(&smmu->diag, -EINVAL,
				"sid 0x%x outside the stream table (%u bits)", (unsigned int)sid,
				smmu->sid_bits);
	asid_lim = (smmu->idr0 & IDR0_ASID16) != 0U ? UINT32_C(1) << 16 : UINT32_C(1) << 8;
	if (asid >= asid_lim)
		return VCM_ERR(&smmu->diag, -EINVAL, "asid 0x%x not below 0x%x (IDR0.ASID16)",
				(unsigned int)asid, (unsigned int)asid_lim);
	for (m = smmu->masters; m != NULL; m = m->next)
		if (m->sid == sid || m->asid == asid)
			return VCM_ERR(&smmu->diag, -EEXIST,
					"sid 0x%x / asid 0x%x: a master has that %s",
					(unsigned int)sid, (unsigned int)asid,
					m->sid == sid ? "StreamID" : "ASID");
	m = smmu->plat->meta_alloc(smmu->plat->ctx, sizeof(*m));
	if (m == NULL)
		return VCM_ERR(&smmu->diag, -ENOMEM, "no memory for master 0x%x",
				(unsigned int)sid);
	/* 5.4: a 64-byte context descriptor, 64-byte aligned (STE.S1ContextPtr[51:6]) */
	if (smmu->plat->table_alloc(smmu->plat->ctx, 64, 64, &m->cd_pa, &cpu) != 0) {
		smmu->plat->meta_free(smmu->plat->ctx, m, sizeof(*m));
		return VCM_ERR(&smmu->diag, -ENOMEM, "no memory for the CD of master 0x%x",
				(unsigned int)sid);
	}
	if (pa_check(smmu, &smmu->diag, "CD", m->cd_pa, 64) != 0) {
		smmu->plat->table_free(smmu->plat->ctx, m->cd_pa, cpu, 64);
		smmu->plat->meta_free(smmu->plat->ctx, m, sizeof(*m));
		return -ERANGE;
	}
	m->cd = cpu;
	m->smmu = smmu;
	m->sid = sid;
	m->asid = asid;
	m->granule_lg2 = 0;
	m->next = smmu->masters;
	smmu->masters = m;
	*out = m;
	return 0;
}

uint32_t vcm_smmuv3_master_sid(const struct vcm_smmuv3_master *m)
{
	return m != NULL ? m->sid : 0U;
}

uint32_t vcm_smmuv3_master_asid(const struct vcm_smmuv3_master *m)
{
	return m != NULL ? m->asid : 0U;
}

/* ---- the device ops ------------------------------------------------------- */

static bool str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static uint64_t *ste_of(struct vcm_smmuv3_master *m)
{
	return m->smmu->strtab + (size_t)m->sid * 8U;
}

static void ste_abort(struct vcm_smmuv3_master *m)
{
	uint64_t *ste = ste_of(m);

	put64(&ste[0], STE_V | VCM_FIELD_PREP(STE_CONFIG, STE_CONFIG_ABORT));
	clean(m->smmu, ste, 64);
}

/*
 * Abort @m's stream. Chapter 4, CMD_CFGI_STE: the SMMU may use a cached STE
 * until a CFGI_STE and a later CMD_SYNC completed; TLBI_NH_ASID drops what it
 * cached of the table. The CD goes invalid whatever happens, so that an SMMU
 * that kept the old STE finds no table through a CD it fetches again. Only a
 * completed sync forgets the granule: until then destroy refuses, and the
 * next clear or program aborts again. 0 or the first error.
 */
static int ste_unload(struct vcm_smmuv3_master *m)
{
	struct vcm_smmuv3 *s = m->smmu;
	int err;

	ste_abort(m);
	err = cmd_cfgi_ste(s, m->sid);
	if (err == 0)
		err = cmd_tlbi_asid(s, m->asid);
	err = cmd_sync(s, err);
	put64(&m->cd[0], 0);
	clean(s, m->cd, 64);
	if (err == 0)
		m->granule_lg2 = 0;
	return err;
}

/*
 * After a failed program: the STE back to abort and the CD invalid
 * (ste_unload()), best effort; the first error stays the one reported.
 */
static void unload_after_error(struct vcm_smmuv3_master *m)
{
	struct vcm_diag first = m->smmu->diag;

	(void)ste_unload(m);
	m->smmu->diag = first;
}

/*
 * The CD doubleword 0 for @hw, or an error: the TTBR0 fields of TCR_EL1 move
 * into the CD (5.4: T0SZ, TG0, IR0, OR0, SH0 and IPS have TCR's encodings;
 * only TG0 sits elsewhere), and so do HA and HD, which a table that tracks
 * dirty state sets (its clean writable leaves are read-only with DBM until
 * the walker marks them: an SMMU that does not would fault every write), so
 * they need IDR0.HTTU; TTB1 walks are disabled (EPD1), faults are
 * recorded and terminate the transaction (R, A: IDR0.TERM_MODEL may demand
 * A), the ASID is private to the SMMU (ASET).
 */
static int cd_word0(struct vcm_smmuv3_master *m, const struct vcm_hw_regs *hw, uint64_t *out,
		    unsigned int *granule_lg2)
{
	struct vcm_smmuv3 *s = m->smmu;
	uint64_t tcr = hw->regs[0];
	unsigned int t0sz = (unsigned int)VCM_FIELD_GET(TCR_T0SZ, tcr);
	unsigned int tg0 = (unsigned int)VCM_FIELD_GET(TCR_TG0, tcr);
	unsigned int ips = (unsigned int)VCM_FIELD_GET(TCR_IPS, tcr);
	unsigned int oas = (unsigned int)VCM_FIELD_GET(IDR5_OAS, s->idr5);
	static const unsigned int g_lg2[4] = { 12, 16, 14, 0 };
	static const uint64_t g_bit[4] = { IDR5_GRAN4K, IDR5_GRAN64K, IDR5_GRAN16K, 0 };
	unsigned int httu = (unsigned int)VCM_FIELD_GET(IDR0_HTTU, s->idr0);
	unsigned int want = (tcr & TCR_HD) != 0U ? 2U : (tcr & TCR_HA) != 0U ? 1U : 0U;

	if (g_lg2[tg0] == 0U || (s->idr5 & g_bit[tg0]) == 0U)
		return VCM_ERR(&s->diag, -EOPNOTSUPP,
				"sid 0x%x: TCR.TG0 %u, a granule IDR5 0x%x lacks",
				(unsigned int)m->sid, tg0, (unsigned int)s->idr5);
	/* 5.4, CD.T0SZ: 16..39 for AArch64 tables without 52-bit VAs */
	if (t0sz < 16U || t0sz > 39U)
		return VCM_ERR(&s->diag, -EOPNOTSUPP, "sid 0x%x: TCR.T0SZ %u not in 16..39",
				(unsigned int)m->sid, t0sz);
	/*
	 * 5.4, CD.IPS: a value above IDR5.OAS behaves as OAS, so a table made
	 * for more output bits than the SMMU has would map addresses it cannot
	 * reach (address size faults): refuse it instead. 7 is reserved.
	 */
	if (ips > min_u(oas, 6U))
		return VCM_ERR(&s->diag, -EOPNOTSUPP,
				"sid 0x%x: TCR.IPS %u above IDR5.OAS %u",
				(unsigned int)m->sid, ips, oas);
	if (want > httu)
		return VCM_ERR(&s->diag, -EOPNOTSUPP,
				"sid 0x%x: TCR.%s set (a table tracking dirty state) but IDR0.HTTU "
				"is %u",
				(unsigned int)m->sid, want == 2U ? "HD" : "HA", httu);
	*granule_lg2 = g_lg2[tg0];
	*out = ((tcr & TCR_HA) != 0U ? CD_HA : 0U) | ((tcr & TCR_HD) != 0U ? CD_HD : 0U) |
	       VCM_FIELD_PREP(CD_T0SZ, t0sz) | VCM_FIELD_PREP(CD_TG0, tg0) |
	       VCM_FIELD_PREP(CD_IR0, VCM_FIELD_GET(TCR_IRGN0, tcr)) |
	       VCM_FIELD_PREP(CD_OR0, VCM_FIELD_GET(TCR_ORGN0, tcr)) |
	       VCM_FIELD_PREP(CD_SH0, VCM_FIELD_GET(TCR_SH0, tcr)) | CD_EPD1 | CD_V |
	       VCM_FIELD_PREP(CD_IPS, ips) | CD_AA64 | CD_R | CD_A | CD_ASET |
	       VCM_FIELD_PREP(CD_ASID, m->asid);
	return 0;
}

static int smmu_program(void *ctx, unsigned int base, const struct vcm_hw_regs *hw)
{
	struct vcm_smmuv3_master *m = ctx;
	struct vcm_smmuv3 *s;
	unsigned int granule_lg2 = 0;
	uint64_t cd0 = 0, *ste;
	int err = 0;

	if (m == NULL)
		return -EINVAL;
	s = m->smmu;
	/* a device op the graph calls: the SMMU's record names the op */
	vcm_diag_enter(&s->diag, "vcm_smmuv3_dev_ops.program");
	if (base != VCM_BASE_LOW)
		return VCM_ERR(&s->diag, -EOPNOTSUPP,
				"sid 0x%x: base %u (only the low base, TTB0, is used)",
				(unsigned int)m->sid, base);
	if (hw == NULL || !str_eq(hw->fmt, "armv8") || !str_eq(hw->reg_names[0], "TCR_EL1"))
		return VCM_ERR(&s->diag, -EINVAL,
				"sid 0x%x: hw is %s, not an armv8 stage-1 table (TCR_EL1)",
				(unsigned int)m->sid, hw == NULL ? "NULL" :
				hw->fmt == NULL ? "unnamed" : hw->fmt);
	err = cd_word0(m, hw, &cd0, &granule_lg2);
	if (err != 0)
		return err;
	/* a live CD is not rewritten under the SMMU: abort the stream first */
	if (m->granule_lg2 != 0U) {
		ste_abort(m);
		err = cmd_cfgi_ste(s, m->sid);
		err = cmd_sync(s, err);
		if (err != 0) {
			/*
			 * The abort may not have reached the SMMU, which may
			 * keep walking the old table through the CD: leave the
			 * stream as clear() does (CD invalid, TLBI_NH_ASID,
			 * a sync tried again), as smmuv3.h promises.
			 */
			unload_after_error(m);
			return err;
		}
		m->granule_lg2 = 0;
	}
	/* the CD: V (in doubleword 0) written last */
	put64(&m->cd[0], 0);
	put64(&m->cd[1], hw->regs[2] & CD_TTB0);
	put64(&m->cd[2], 0);
	put64(&m->cd[3], hw->regs[1]); /* MAIR0 and MAIR1: MAIR_EL1 as a whole */
	for (unsigned int i = 4; i < 8U; i++)
		put64(&m->cd[i], 0);
	put64(&m->cd[0], cd0);
	clean(s, m->cd, 64);
	/* 5.2: the STE, Config = stage 1 translate, one CD (S1Fmt 0, S1CDMax 0); CD reads as CR1 */
	ste = ste_of(m);
	put64(&ste[1], (s->idr0 & IDR0_COHACC) == 0U ? 0U :
		       VCM_FIELD_PREP(STE_S1CIR, CACHE_WB) | VCM_FIELD_PREP(STE_S1COR, CACHE_WB) |
		       VCM_FIELD_PREP(STE_S1CSH, SH_ISH));
	for (unsigned int i = 2; i < 8U; i++)
		put64(&ste[i], 0);
	put64(&ste[0], STE_V | VCM_FIELD_PREP(STE_CONFIG, STE_CONFIG_S1) |
			       (m->cd_pa & STE_S1CTXPTR));
	clean(s, ste, 64);
	/* chapter 4, CMD_CFGI_STE/CD: both may be cached, and TLB entries of an older table */
	err = cmd_cfgi_ste(s, m->sid);
	if (err == 0)
		err = cmd_add(s, VCM_FIELD_PREP(CMD_OP, CMD_CFGI_CD) |
				 VCM_FIELD_PREP(CMD_SID, m->sid) | VCM_FIELD_PREP(CMD_SSID, 0U),
			      CMD_LEAF);
	if (err == 0)
		err = cmd_tlbi_asid(s, m->asid);
	err = cmd_sync(s, err);
	m->granule_lg2 = granule_lg2; /* programmed, until an abort completes */
	if (err != 0) {
		/*
		 * The SMMU may have loaded the new STE (a CFGI_STE ahead of the
		 * failed command completed) and the graph clears no base whose
		 * program failed: undo it here.
		 */
		unload_after_error(m);
	}
	return err;
}

static void smmu_clear(void *ctx, unsigned int base)
{
	struct vcm_smmuv3_master *m = ctx;
	struct vcm_smmuv3 *s;

	if (m == NULL || base != VCM_BASE_LOW)
		return;
	s = m->smmu;
	vcm_diag_enter(&s->diag, "vcm_smmuv3_dev_ops.clear");
	/* a failure is kept for vcm_smmuv3_take_error(), the granule for a retry */
	note(s, ste_unload(m));
}

/*
 * 4.4.1.1: the TTL level hint for [@da, +@len) whose cleared leaves are
 * @sizes (struct vcm_tlb_hint), 0 (any level) unless they are of one size
 * that is a leaf level (1..3) of the granule and the range is aligned to it
 * (the manual leaves a misaligned range with a TTL UNPREDICTABLE). The range
 * commands keep that alignment: each covers a multiple of the lowest set bit
 * of the pages left, which the leaf size divides.
 */
static unsigned int tlbi_ttl(unsigned int g, vcm_da_t da, uint64_t len, uint64_t sizes)
{
	unsigned int lg2, per, level;

	if (sizes == 0U || !vcm_is_pow2(sizes))
		return 0;
	lg2 = vcm_ctz64(sizes);
	per = g - 3U; /* index bits per level */
	if (lg2 < g || (lg2 - g) % per != 0U || (lg2 - g) / per > 2U)
		return 0;
	level = 3U - (lg2 - g) / per;
	/* 16K granule level 1 needs IDR5.DS (52-bit), which no table here uses */
	if (g == 14U && level == 1U)
		return 0;
	if ((da & (sizes - 1U)) != 0U || (len & (sizes - 1U)) != 0U)
		return 0;
	return level;
}

/*
 * Chapter 4, CMD_TLBI_NH_VA. With IDR3.RIL one command covers (NUM + 1) << SCALE
 * pages of the granule TG: take the lowest set bit of the pages left as
 * SCALE and up to 5 bits above it as NUM + 1, so a range needs at most a
 * few commands; @ttl (tlbi_ttl()) goes in each, and a lone page without one
 * in the non-range form (TG 0). Without RIL (no TG, so no TTL either), one
 * command per page up to SMMU_TLBI_VA_MAX.
 */
static int tlbi_va(struct vcm_smmuv3_master *m, vcm_da_t da, uint64_t len, bool leaf,
		   unsigned int ttl)
{
	struct vcm_smmuv3 *s = m->smmu;
	unsigned int g = m->granule_lg2;
	uint64_t first = da >> g;
	uint64_t pages = ((da + len - 1U) >> g) - first + 1U;
	uint64_t w0 = VCM_FIELD_PREP(CMD_OP, CMD_TLBI_NH_VA) | VCM_FIELD_PREP(CMD_ASID, m->asid);
	uint64_t w1 = leaf ? CMD_LEAF : 0U;
	vcm_da_t a = first << g;
	int err = 0;

	if ((s->idr3 & IDR3_RIL) != 0U && pages < (UINT64_C(1) << 31)) {
		/* doubleword 1's TG and TTL */
		uint64_t tg = VCM_FIELD_PREP(CMD_TG, g == 12U ? 1U : g == 14U ? 2U : 3U) |
			      VCM_FIELD_PREP(CMD_TTL, ttl);

		while (pages != 0U && err == 0) {
			unsigned int scale = (unsigned int)__builtin_ctzll(pages);
			uint64_t num = (pages >> scale) & 31U; /* odd, so at least 1 */

			/*
			 * 4.4.1.1: with TG != 0, NUM 0, SCALE 0 and TTL 0 (one page,
			 * no level) is Reserved, refused with CERROR_ILL: that page
			 * goes in the non-range form (TG 0, TTL RES0) instead.
			 */
			err = cmd_add(s, w0 | VCM_FIELD_PREP(CMD_NUM, num - 1U) |
					 VCM_FIELD_PREP(CMD_SCALE, scale),
				      w1 | (num + scale + ttl == 1U ? 0U : tg) | (a & CMD_ADDR));
			a += num << (scale + g);
			pages -= num << scale;
		}
		return err;
	}
	if (pages > SMMU_TLBI_VA_MAX)
		return cmd_tlbi_asid(s, m->asid);
	for (uint64_t i = 0; i < pages && err == 0; i++, a += UINT64_C(1) << g)
		err = cmd_add(s, w0, w1 | (a & CMD_ADDR));
	return err;
}

/*
 * tlb_range and tlb_range_hint: Leaf from @leaf, TTL from the leaf sizes
 * (tlbi_ttl(); 0 without a hint gives TTL 0). TTL names the level of the
 * leaf entries only: with Leaf 0 (tables were unlinked) the walk-cache
 * entries of the other levels must go too, so TTL is 0 then. Not inlined:
 * one copy for both ops (the firmware images have a size budget).
 */
__attribute__((noinline))
static void tlb_inv(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf,
		    uint64_t sizes, const char *op)
{
	struct vcm_smmuv3_master *m = ctx;

	if (m == NULL || base != VCM_BASE_LOW || m->granule_lg2 == 0U || len == 0U)
		return;
	vcm_diag_enter(&m->smmu->diag, op);
	note(m->smmu, cmd_sync(m->smmu, tlbi_va(m, da, len, leaf,
						leaf ? tlbi_ttl(m->granule_lg2, da, len, sizes)
						     : 0U)));
}

static void smmu_tlb_range(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	tlb_inv(ctx, base, da, len, leaf, 0, "vcm_smmuv3_dev_ops.tlb_range");
}

static void smmu_tlb_range_hint(void *ctx, unsigned int base, vcm_da_t da, uint64_t len,
				const struct vcm_tlb_hint *hint)
{
	if (hint != NULL)
		tlb_inv(ctx, base, da, len, hint->leaf_only, hint->leaf_sizes,
			"vcm_smmuv3_dev_ops.tlb_range_hint");
}

static void smmu_tlb_all(void *ctx, unsigned int base)
{
	struct vcm_smmuv3_master *m = ctx;

	if (m == NULL || base != VCM_BASE_LOW)
		return;
	vcm_diag_enter(&m->smmu->diag, "vcm_smmuv3_dev_ops.tlb_all");
	note(m->smmu, cmd_sync(m->smmu, cmd_tlbi_asid(m->smmu, m->asid)));
}

static uint32_t smmu_hw_version(void *ctx)
{
	struct vcm_smmuv3_master *m = ctx;

	return m != NULL ? m->smmu->aidr : 0U;
}

const struct vcm_dev_ops vcm_smmuv3_dev_ops = {
	.program = smmu_program,
	.clear = smmu_clear,
	.tlb_range = smmu_tlb_range,
	.tlb_all = smmu_tlb_all,
	.hw_version = smmu_hw_version,
	.power_query = NULL,
	.tlb_range_hint = smmu_tlb_range_hint,
};
