// SPDX-License-Identifier: MIT
/*
 * AMD-Vi backend: the device table, the command buffer and the event log of
 * an AMD IOMMU, driven through struct vcm_mmio (include/vcm/amdvi.h).
 *
 * Source: AMD I/O Virtualization Technology (IOMMU) Specification, document
 * 48882, Rev 3.00: 2.2.2 "Device Table Entry Format"; 2.4 "Commands" (2.4.1
 * COMPLETION_WAIT, 2.4.2 INVALIDATE_DEVTAB_ENTRY, 2.4.3 INVALIDATE_IOMMU_PAGES);
 * 2.5 "Event Logging" (2.5.2 ILLEGAL_DEV_TABLE_ENTRY, 2.5.3 IO_PAGE_FAULT,
 * 2.5.4 DEV_TAB_HARDWARE_ERROR, 2.5.5 PAGE_TAB_HARDWARE_ERROR); 3.4 "IOMMU
 * MMIO Registers" (Device Table, Command Buffer and Event Log Base Address
 * registers, IOMMU Control, the head and tail pointers, IOMMU Status).
 *
 * Ordering: a DTE's quadword 0 (V, TV, the root) is written last when it is
 * programmed, so the IOMMU never sees a valid entry with a stale domain; the
 * command entries are in memory before the tail register moves (the mmio
 * accessor fences before every write; cache_clean where walkers do not snoop).
 *
 * Not done: interrupt remapping, guest tables, ATS, the PPR log, MSI for the
 * logs (the event log is polled; after an overflow it is drained and
 * restarted).
 */
#include <errno.h>
#include <vcm/amdvi.h>
#include "../util/bits.h"
#include "../util/fail.h"

/* 3.4: MMIO register offsets. */
#define AMDVI_MMIO_DEVTAB   0x0000U  /* Device Table Base Address */
#define AMDVI_MMIO_CMDBUF   0x0008U  /* Command Buffer Base Address */
#define AMDVI_MMIO_EVTLOG   0x0010U  /* Event Log Base Address */
#define AMDVI_MMIO_CONTROL  0x0018U  /* IOMMU Control */
#define AMDVI_MMIO_EFR      0x0030U  /* Extended Feature */
#define AMDVI_MMIO_CMD_HEAD 0x2000U  /* Command Buffer Head Pointer */
#define AMDVI_MMIO_CMD_TAIL 0x2008U  /* Command Buffer Tail Pointer */
#define AMDVI_MMIO_EVT_HEAD 0x2010U  /* Event Log Head Pointer */
#define AMDVI_MMIO_EVT_TAIL 0x2018U  /* Event Log Tail Pointer */
#define AMDVI_MMIO_STATUS   0x2020U  /* IOMMU Status */

/* 3.4: fields of the base address registers. */
#define AMDVI_BASE_ADDR     VCM_GENMASK(51, 12)
#define AMDVI_DEVTAB_SIZE   VCM_GENMASK(8, 0)    /* 4 KiB pages - 1 */
#define AMDVI_LOG_LEN       VCM_GENMASK(59, 56)  /* ComLen, EventLen: log2 entries */
#define AMDVI_PTR           VCM_GENMASK(18, 4)   /* head/tail: byte offset of an entry */
/* 3.4 IOMMU Control: the enables this driver uses. */
#define AMDVI_CTRL_IOMMU_EN     VCM_BIT(0)
#define AMDVI_CTRL_EVENTLOG_EN  VCM_BIT(2)
#define AMDVI_CTRL_CMDBUF_EN    VCM_BIT(12)
/* 3.4 IOMMU Status: EventOverflow (write 1 to clear), EventLogRun. */
#define AMDVI_STATUS_EVT_OVF    VCM_BIT(0)
#define AMDVI_STATUS_EVT_RUN    VCM_BIT(3)

/* 2.2.2: DTE quadword 0 (host translation fields) and 1. */
#define AMDVI_DTE_V         VCM_BIT(0)
#define AMDVI_DTE_TV        VCM_BIT(1)
#define AMDVI_DTE_MODE      VCM_GENMASK(11, 9)
#define AMDVI_DTE_PTRP      VCM_GENMASK(51, 12)
#define AMDVI_DTE_IR        VCM_BIT(61)
#define AMDVI_DTE_IW        VCM_BIT(62)
#define AMDVI_DTE_HAD       VCM_GENMASK(8, 7)    /* host access/dirty updates */
#define AMDVI_DTE_Q0_HOST   (AMDVI_DTE_V | AMDVI_DTE_TV | AMDVI_DTE_HAD | AMDVI_DTE_MODE | \
			     AMDVI_DTE_PTRP | AMDVI_DTE_IR | AMDVI_DTE_IW)
/* 3.4.1 Extended Feature Register: HAD 01b needs HASup, 11b needs HDSup */
#define AMDVI_EFR_HASUP     VCM_BIT(49)
#define AMDVI_EFR_HDSUP     VCM_BIT(52)
#define AMDVI_DTE_DOMAIN    VCM_GENMASK(15, 0)   /* quadword 1 */
#define AMDVI_DTE_BYTES     32U
/*
 * The blocked DTE (48882 2.2.2 "Device Table Entry Format", the V, TV, Mode,
 * IR and IW fields): V=1, TV=1 with Mode 000b disables translation and leaves
 * access to IR and IW; both 0, so every DMA of the device is refused. V=0
 * would not do: the IOMMU then passes the device's requests untranslated.
 * Every entry starts so (init) and goes back to it (clear, dev_destroy).
 */
#define AMDVI_DTE_BLOCKED   (AMDVI_DTE_V | AMDVI_DTE_TV)

/* 2.4: every command is 128 bits; the opcode sits in bits 63:60. */
#define AMDVI_CMD_BYTES     16U
#define AMDVI_CMD_OP        VCM_GENMASK(63, 60)
#define AMDVI_OP_COMPLETION_WAIT     0x1U
#define AMDVI_OP_INV_DEVTAB_ENTRY    0x2U
#define AMDVI_OP_INV_IOMMU_PAGES     0x3U
/* 2.4.1 COMPLETION_WAIT: store address (8-byte aligned) and the S (store) flag. */
#define AMDVI_CW_S          VCM_BIT(0)
#define AMDVI_CW_ADDR       VCM_GENMASK(51, 3)
/* 2.4.2 INVALIDATE_DEVTAB_ENTRY */
#define AMDVI_INV_DEVID     VCM_GENMASK(15, 0)
/* 2.4.3 INVALIDATE_IOMMU_PAGES: domain in quadword 0, address and flags in 1. */
#define AMDVI_INV_DOMAIN    VCM_GENMASK(47, 32)
#define AMDVI_INV_S         VCM_BIT(0)           /* size from the address's low ones */
#define AMDVI_INV_PDE       VCM_BIT(1)           /* page directory entries too */
#define AMDVI_INV_ADDR      VCM_GENMASK(63, 12)
/* 2.4.3: S=1 with this address invalidates every page of the domain. */
#define AMDVI_INV_ALL_ADDR  UINT64_C(0x7ffffffffffff000)
/* Ranges this large or larger are invalidated whole (the address field ends at bit 51). */
#define AMDVI_INV_MAX_LG2   52U

/* 2.5: event log entries, 128 bits, EventCode in bits 63:60. */
#define AMDVI_EVT_BYTES     16U
#define AMDVI_EVT_CODE      VCM_GENMASK(63, 60)
#define AMDVI_EVT_DEVID     VCM_GENMASK(15, 0)
#define AMDVI_EVT_DOMAIN    VCM_GENMASK(47, 32)  /* IO_PAGE_FAULT, PAGE_TAB_HARDWARE_ERROR */
/* 2.5.3 IO_PAGE_FAULT flags (bits 59:48 of the first quadword). */
#define AMDVI_EVT_NX        VCM_BIT(49)
#define AMDVI_EVT_US        VCM_BIT(50)
#define AMDVI_EVT_PR        VCM_BIT(52)          /* the page was present */
#define AMDVI_EVT_RW        VCM_BIT(53)          /* the access was a write */
#define AMDVI_EVT_RZ        VCM_BIT(55)          /* a reserved bit was set */

#define AMDVI_LOG_LG2_MIN   8U
#define AMDVI_LOG_LG2_MAX   15U
#define AMDVI_PAGE          UINT64_C(4096)

struct vcm_amdvi {
	struct vcm_mmio mmio;
	const struct vcm_plat_ops *plat;
	uint32_t max_devid;
	uint32_t poll_max;
	vcm_pa_t devtab_pa;
	volatile uint64_t *devtab;
	uint64_t devtab_bytes;
	vcm_pa_t cmd_pa;
	volatile uint64_t *cmd;
	uint32_t cmd_bytes;
	uint32_t cmd_tail;
	vcm_pa_t evt_pa;
	volatile uint64_t *evt;
	uint32_t evt_bytes;
	vcm_pa_t sem_pa;
	volatile uint64_t *sem;
	uint64_t seq;
	struct vcm_amdvi_dev *devs;
	struct vcm_amdvi_stats stats;
	struct vcm_diag diag;
};

struct vcm_amdvi_dev {
	struct vcm_amdvi *iommu;
	uint32_t devid;
	uint32_t domid;
	/* the IOMMU may use a DTE that is not blocked: set before a table is
	 * written, cleared once a blocked DTE is written and its invalidation
	 * completed */
	bool programmed;
	uint64_t root;             /* Mode and root of the last table programmed */
	struct vcm_amdvi_dev *next;
};

static uint32_t rd32(const struct vcm_amdvi *m, uint32_t off)
{
	return m->mmio.ops->read32(m->mmio.ctx, off);
}

static void wr64(const struct vcm_amdvi *m, uint32_t off, uint64_t val)
{
	m->mmio.ops->write64(m->mmio.ctx, off, val);
}

static void relax(const struct vcm_amdvi *m)
{
	if (m->mmio.ops->relax != NULL)
		m->mmio.ops->relax(m->mmio.ctx);
}

static void clean(const struct vcm_amdvi *m, volatile void *p, size_t len)
{
	if (m->plat->cache_clean != NULL)
		m->plat->cache_clean(m->plat->ctx, (void *)(uintptr_t)p, len);
}

/* Hand the queued commands to the IOMMU (3.4 Command Buffer Tail Pointer). */
static void cmd_kick(struct vcm_amdvi *m)
{
	wr64(m, AMDVI_MMIO_CMD_TAIL, m->cmd_tail);
}

/* Put one command in the buffer, waiting (bounded) for room: the buffer is
 * full when the tail would reach the head (3.4: head == tail means empty). */
static int cmd_queue(struct vcm_amdvi *m, uint64_t q0, uint64_t q1)
{
	uint32_t next = (m->cmd_tail + AMDVI_CMD_BYTES) & (m->cmd_bytes - 1U);
	volatile uint64_t *slot = m->cmd + m->cmd_tail / 8U;

	for (uint32_t i = 0; (rd32(m, AMDVI_MMIO_CMD_HEAD) & AMDVI_PTR) == next; i++) {
		if (i == 0)
			cmd_kick(m);
		if (i >= m->poll_max)
			return VCM_ERR(&m->diag, -ETIMEDOUT,
				       "command buffer full: head stuck at %#x for %u polls",
				       (unsigned int)next, (unsigned int)m->poll_max);
		relax(m);
	}
	slot[0] = q0;
	slot[1] = q1;
	clean(m, slot, AMDVI_CMD_BYTES);
	m->cmd_tail = next;
	m->stats.commands++;
	return 0;
}

/*
 * 2.4.1 COMPLETION_WAIT with S=1: the IOMMU stores @seq at the wait slot once
 * every earlier command has completed. Polled, bounded by poll_max.
 */
static int cmd_sync(struct vcm_amdvi *m)
{
	uint64_t seq = ++m->seq;
	int ret;

	ret = cmd_queue(m, VCM_FIELD_PREP(AMDVI_CMD_OP, AMDVI_OP_COMPLETION_WAIT) |
			   (m->sem_pa & AMDVI_CW_ADDR) | AMDVI_CW_S, seq);
	if (ret != 0)
		return ret;
	cmd_kick(m);
	for (uint32_t i = 0; *m->sem != seq; i++) {
		if (i >= m->poll_max)
			return VCM_ERR(&m->diag, -ETIMEDOUT,
				       "completion wait %llu not stored at pa %#llx after %u polls",
				       vcm_ull(seq), vcm_ull(m->sem_pa), (unsigned int)m->poll_max);
		relax(m);
	}
	m->stats.waits++;
	return 0;
}

static int cmd_inv_devtab(struct vcm_amdvi *m, uint32_t devid)
{
	return cmd_queue(m, VCM_FIELD_PREP(AMDVI_CMD_OP, AMDVI_OP_INV_DEVTAB_ENTRY) |
			    VCM_FIELD_PREP(AMDVI_INV_DEVID, devid), 0);
}

/*
 * 2.4.3: the address field of INVALIDATE_IOMMU_PAGES for [@da, @da + @len).
 * S=0 names one 4 KiB page. S=1 names a naturally aligned power of two of
 * 2^k bytes: address bits k-2..12 set and bit k-1 clear. The smallest such
 * block covering the range is used; from 2^52 bytes on, the whole domain.
 */
static uint64_t inv_pages_q1(vcm_da_t da, uint64_t len)
{
	vcm_da_t last = da + len - 1U;
	uint64_t diff = da ^ last;
	unsigned int k;

	if (len == 0U || last < da)
		return AMDVI_INV_ALL_ADDR | AMDVI_INV_S;
	if (diff < AMDVI_PAGE)
		return da & AMDVI_INV_ADDR;
	k = 64U - vcm_clz64(diff);
	if (k >= AMDVI_INV_MAX_LG2)
		return AMDVI_INV_ALL_ADDR | AMDVI_INV_S;
	return (vcm_align_down(da, UINT64_C(1) << k) |
		(vcm_low_mask(k - 1U) & AMDVI_INV_ADDR)) | AMDVI_INV_S;
}

static int cmd_inv_pages(struct vcm_amdvi *m, uint32_t domid, uint64_t q1, bool pde)
{
	return cmd_queue(m, VCM_FIELD_PREP(AMDVI_CMD_OP, AMDVI_OP_INV_IOMMU_PAGES) |
			    VCM_FIELD_PREP(AMDVI_INV_DOMAIN, domid),
			 q1 | (pde ? AMDVI_INV_PDE : 0U));
}

static void free_block(const struct vcm_plat_ops *plat, vcm_pa_t pa, volatile void *cpu,
		       uint64_t size)
{
	if (cpu != NULL)
		plat->table_free(plat->ctx, pa, (void *)(uintptr_t)cpu, size);
}

static void free_all(struct vcm_amdvi *m)
{
	const struct vcm_plat_ops *plat = m->plat;

	free_block(plat, m->devtab_pa, m->devtab, m->devtab_bytes);
	free_block(plat, m->cmd_pa, m->cmd, m->cmd_bytes);
	free_block(plat, m->evt_pa, m->evt, m->evt_bytes);
	free_block(plat, m->sem_pa, m->sem, 8);
	plat->meta_free(plat->ctx, m, sizeof(*m));
}

/* One zeroed block the IOMMU reads through a base register (3.4: bits 51:12). */
static int alloc_block(struct vcm_amdvi *m, struct vcm_diag *diag, const char *what,
		       uint64_t size, uint64_t align, vcm_pa_t *pa, volatile uint64_t **cpu)
{
	void *p = NULL;

	if (m->plat->table_alloc(m->plat->ctx, size, align, pa, &p) != 0 || p == NULL)
		return VCM_ERR(diag, -ENOMEM, "no memory for the %s (%llu bytes)", what,
			       vcm_ull(size));
	*cpu = p;
	if ((*pa & ~VCM_GENMASK(51, 0)) != 0U) {
		return VCM_ERR(diag, -ERANGE, "the %s at pa %#llx is beyond 52 bits", what,
			       vcm_ull(*pa));
	}
	return 0;
}

static uint64_t devtab_bytes(uint32_t max_devid)
{
	uint64_t bytes = ((uint64_t)max_devid + 1U) * AMDVI_DTE_BYTES;

	if (bytes <= AMDVI_PAGE)
		return AMDVI_PAGE;
	return vcm_is_pow2(bytes) ? bytes : vcm_pow2_floor(bytes) << 1;
}

static int check_cfg(const struct vcm_amdvi_cfg *cfg, struct vcm_amdvi **out,
		     struct vcm_diag *diag)
{
	const struct vcm_mmio_ops *o;
	const struct vcm_plat_ops *p;

	if (cfg == NULL || out == NULL)
		return VCM_ERR(diag, -EINVAL, "%s is NULL", cfg == NULL ? "cfg" : "out");
	o = cfg->mmio.ops;
	if (o == NULL || o->read32 == NULL || o->write32 == NULL || o->read64 == NULL ||
	    o->write64 == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg->mmio.ops lacks a 32- or 64-bit accessor");
	p = cfg->plat;
	if (p == NULL || p->table_alloc == NULL || p->table_free == NULL ||
	    p->meta_alloc == NULL || p->meta_free == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg->plat lacks table or metadata memory");
	if (cfg->max_devid > 0xffffU)
		return VCM_ERR(diag, -EINVAL, "cfg->max_devid %#x: DeviceIDs are 16 bits",
			       (unsigned int)cfg->max_devid);
	if (cfg->cmd_len_lg2 != 0U && (cfg->cmd_len_lg2 < AMDVI_LOG_LG2_MIN ||
				       cfg->cmd_len_lg2 > AMDVI_LOG_LG2_MAX))
		return VCM_ERR(diag, -EINVAL, "cfg->cmd_len_lg2 %u: ComLen takes 8..15",
			       cfg->cmd_len_lg2);
	if (cfg->evt_len_lg2 != 0U && (cfg->evt_len_lg2 < AMDVI_LOG_LG2_MIN ||
				       cfg->evt_len_lg2 > AMDVI_LOG_LG2_MAX))
		return VCM_ERR(diag, -EINVAL, "cfg->evt_len_lg2 %u: EventLen takes 8..15",
			       cfg->evt_len_lg2);
	return 0;
}

int vcm_amdvi_init(const struct vcm_amdvi_cfg *cfg, struct vcm_amdvi **out,
		   struct vcm_diag *diag)
{
	unsigned int cmd_lg2, evt_lg2;
	struct vcm_amdvi *m;
	int ret;

	vcm_diag_enter(diag, "vcm_amdvi_init");
	ret = check_cfg(cfg, out, diag);
	if (ret != 0)
		return ret;
	cmd_lg2 = cfg->cmd_len_lg2 != 0U ? cfg->cmd_len_lg2 : AMDVI_LOG_LG2_MIN;
	evt_lg2 = cfg->evt_len_lg2 != 0U ? cfg->evt_len_lg2 : AMDVI_LOG_LG2_MIN;
	m = cfg->plat->meta_alloc(cfg->plat->ctx, sizeof(*m));
	if (m == NULL)
		return VCM_ERR(diag, -ENOMEM, "no metadata for the IOMMU");
	*m = (struct vcm_amdvi){
		.mmio = cfg->mmio,
		.plat = cfg->plat,
		.max_devid = cfg->max_devid,
		.poll_max = cfg->poll_max != 0U ? cfg->poll_max : VCM_AMDVI_POLL_DEFAULT,
		.devtab_bytes = devtab_bytes(cfg->max_devid),
		.cmd_bytes = AMDVI_CMD_BYTES << cmd_lg2,
		.evt_bytes = AMDVI_EVT_BYTES << evt_lg2,
	};
	ret = alloc_block(m, diag, "device table", m->devtab_bytes, AMDVI_PAGE, &m->devtab_pa,
			  &m->devtab);
	if (ret == 0)
		ret = alloc_block(m, diag, "command buffer", m->cmd_bytes, AMDVI_PAGE,
				  &m->cmd_pa, &m->cmd);
	if (ret == 0)
		ret = alloc_block(m, diag, "event log", m->evt_bytes, AMDVI_PAGE, &m->evt_pa,
				  &m->evt);
	if (ret == 0)
		ret = alloc_block(m, diag, "completion wait slot", 8, 8, &m->sem_pa, &m->sem);
	if (ret != 0) {
		free_all(m);
		return ret;
	}
	/*
	 * Every entry blocked before IommuEn: a zeroed table (V=0) would let
	 * every device's DMA through untranslated until its DTE is programmed.
	 * The whole table, not only up to max_devid: the IOMMU reads any entry
	 * the Size field covers.
	 */
	for (uint64_t i = 0; i < m->devtab_bytes / 8U; i += AMDVI_DTE_BYTES / 8U)
		m->devtab[i] = AMDVI_DTE_BLOCKED;
	clean(m, m->devtab, (size_t)m->devtab_bytes);

	/* 3.4: the bases may change only while the IOMMU is off */
	wr64(m, AMDVI_MMIO_CONTROL, 0);
	wr64(m, AMDVI_MMIO_DEVTAB, m->devtab_pa |
	     VCM_FIELD_PREP(AMDVI_DEVTAB_SIZE, m->devtab_bytes / AMDVI_PAGE - 1U));
	wr64(m, AMDVI_MMIO_CMDBUF, m->cmd_pa | VCM_FIELD_PREP(AMDVI_LOG_LEN, cmd_lg2));
	wr64(m, AMDVI_MMIO_EVTLOG, m->evt_pa | VCM_FIELD_PREP(AMDVI_LOG_LEN, evt_lg2));
	wr64(m, AMDVI_MMIO_CMD_HEAD, 0);
	wr64(m, AMDVI_MMIO_CMD_TAIL, 0);
	wr64(m, AMDVI_MMIO_EVT_HEAD, 0);
	wr64(m, AMDVI_MMIO_EVT_TAIL, 0);
	m->mmio.ops->write32(m->mmio.ctx, AMDVI_MMIO_STATUS, (uint32_t)AMDVI_STATUS_EVT_OVF);
	wr64(m, AMDVI_MMIO_CONTROL, AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_EVENTLOG_EN |
	     AMDVI_CTRL_CMDBUF_EN);

	/* prove the command path before anyone relies on it */
	ret = cmd_sync(m);
	if (ret != 0) {
		wr64(m, AMDVI_MMIO_CONTROL, 0);
		free_all(m);
		return VCM_ERR(diag, ret, "the IOMMU does not run commands: "
			       "completion wait never stored");
	}
	*out = m;
	return 0;
}

int vcm_amdvi_destroy(struct vcm_amdvi *iommu)
{
	if (iommu == NULL)
		return 0;
	vcm_diag_enter(&iommu->diag, "vcm_amdvi_destroy");
	if (iommu->devs != NULL)
		return VCM_ERR(&iommu->diag, -EBUSY, "device %#x still uses the IOMMU",
			       (unsigned int)iommu->devs->devid);
	wr64(iommu, AMDVI_MMIO_CONTROL, 0);
	free_all(iommu);
	return 0;
}

const char *vcm_amdvi_last_error(const struct vcm_amdvi *iommu)
{
	if (iommu == NULL)
		return "vcm_amdvi_last_error: iommu is NULL";
	return iommu->diag.err != 0 ? iommu->diag.msg : "";
}

void vcm_amdvi_stats(const struct vcm_amdvi *iommu, struct vcm_amdvi_stats *out)
{
	if (iommu != NULL && out != NULL)
		*out = iommu->stats;
}

vcm_pa_t vcm_amdvi_devtab_pa(const struct vcm_amdvi *iommu)
{
	return iommu != NULL ? iommu->devtab_pa : 0U;
}

int vcm_amdvi_dev_create(struct vcm_amdvi *iommu, uint32_t devid, uint32_t domid,
			 struct vcm_amdvi_dev **out)
{
	struct vcm_amdvi_dev *d;

	if (iommu == NULL)
		return -EINVAL;
	vcm_diag_enter(&iommu->diag, "vcm_amdvi_dev_create");
	if (out == NULL)
		return VCM_ERR(&iommu->diag, -EINVAL, "out is NULL");
	if (devid > iommu->max_devid)
		return VCM_ERR(&iommu->diag, -EINVAL,
			       "devid %#x: the device table ends at %#x", (unsigned int)devid,
			       (unsigned int)iommu->max_devid);
	if (domid == 0U || domid > 0xffffU)
		return VCM_ERR(&iommu->diag, -EINVAL, "domid %#x: takes 1..0xffff",
			       (unsigned int)domid);
	for (d = iommu->devs; d != NULL; d = d->next)
		if (d->devid == devid)
			return VCM_ERR(&iommu->diag, -EEXIST, "devid %#x has a device already",
				       (unsigned int)devid);
	d = iommu->plat->meta_alloc(iommu->plat->ctx, sizeof(*d));
	if (d == NULL)
		return VCM_ERR(&iommu->diag, -ENOMEM, "no metadata for device %#x",
			       (unsigned int)devid);
	*d = (struct vcm_amdvi_dev){ .iommu = iommu, .devid = devid, .domid = domid,
				     .next = iommu->devs };
	iommu->devs = d;
	*out = d;
	return 0;
}

/*
 * Quadword 0 of a DTE that the IOMMU may be reading. Where a 64-bit store is
 * two 32-bit ones, IR and IW (bits 62:61) sit in the high word: the high word
 * first goes to no permission, then the low word is written, then the high
 * word in full, so no mix of old and new halves grants more than either.
 */
static void dte_store_q0(volatile uint64_t *q, uint64_t q0)
{
	volatile uint32_t *w = (volatile uint32_t *)q;
	const uint32_t perm_hi = (uint32_t)((AMDVI_DTE_IR | AMDVI_DTE_IW) >> 32);

	if (sizeof(void *) == 8) {
		*q = q0;
		return;
	}
	w[1] = (uint32_t)(q0 >> 32) & ~perm_hi;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	w[0] = (uint32_t)q0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	w[1] = (uint32_t)(q0 >> 32);
}

/* Write @dev's DTE: quadword 1 (domain) and the unused upper half first, 0 last. */
static void dte_write(struct vcm_amdvi_dev *dev, uint64_t q0)
{
	struct vcm_amdvi *m = dev->iommu;
	volatile uint64_t *dte = m->devtab + (size_t)dev->devid * (AMDVI_DTE_BYTES / 8U);

	dte[3] = 0;
	dte[2] = 0;
	dte[1] = VCM_FIELD_PREP(AMDVI_DTE_DOMAIN, dev->domid);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	dte_store_q0(&dte[0], q0);
	clean(m, dte, AMDVI_DTE_BYTES);
}

/* 2.2.2 then 2.4.2, 2.4.3, 2.4.1: the entry changed, drop what was cached of it. */
static int dte_commit(struct vcm_amdvi_dev *dev, uint64_t q0)
{
	struct vcm_amdvi *m = dev->iommu;
	int ret;

	dte_write(dev, q0);
	ret = cmd_inv_devtab(m, dev->devid);
	if (ret == 0)
		ret = cmd_inv_pages(m, dev->domid, AMDVI_INV_ALL_ADDR | AMDVI_INV_S, true);
	if (ret == 0)
		ret = cmd_sync(m);
	return ret;
}

/*
 * Block @dev: the blocked DTE, then its invalidation. Until that completed
 * the IOMMU may still hold the old entry, so programmed stays set and the
 * failure is counted: a later clear or destroy writes and invalidates again.
 */
static int dte_block(struct vcm_amdvi_dev *dev)
{
	int ret = dte_commit(dev, AMDVI_DTE_BLOCKED);

	if (ret != 0)
		dev->iommu->stats.errors++;
	else
		dev->programmed = false;
	return ret;
}

void vcm_amdvi_dev_destroy(struct vcm_amdvi_dev *dev)
{
	struct vcm_amdvi *m;
	struct vcm_amdvi_dev **pp;

	if (dev == NULL)
		return;
	m = dev->iommu;
	vcm_diag_enter(&m->diag, "vcm_amdvi_dev_destroy");
	/* whatever programmed says: a failed program or clear may have left the
	 * entry valid, or its invalidation undone */
	(void)dte_block(dev);
	for (pp = &m->devs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == dev) {
			*pp = dev->next;
			break;
		}
	}
	m->plat->meta_free(m->plat->ctx, dev, sizeof(*dev));
}

static bool is_amdv1(const char *fmt)
{
	const char *want = "amdv1";

	if (fmt == NULL)
		return false;
	while (*want != '\0' && *fmt == *want) {
		fmt++;
		want++;
	}
	return *fmt == '\0' && *want == '\0';
}

/*
 * A table that relies on the IOMMU to set its accessed or dirty bits (amdv1
 * with VCM_PT_CFG_DIRTY asks for HAD 11b) needs an IOMMU that does: one
 * without the feature would ignore HAD and never mark a page, and the
 * harvest would report none written. Refused, never dropped.
 */
static int had_check(struct vcm_amdvi *m, uint64_t q0)
{
	uint64_t had = VCM_FIELD_GET(AMDVI_DTE_HAD, q0);
	uint64_t need = had == 1U ? AMDVI_EFR_HASUP : AMDVI_EFR_HDSUP;
	uint64_t efr;

	if (had == 0U)
		return 0;
	if (had == 2U)
		return VCM_ERR(&m->diag, -EINVAL,
			       "hw->regs[0] %#llx: DTE.HAD 10b is reserved (2.2.2)", vcm_ull(q0));
	efr = m->mmio.ops->read64(m->mmio.ctx, AMDVI_MMIO_EFR);
	if ((efr & need) == 0U)
		return VCM_ERR(&m->diag, -EOPNOTSUPP,
			       "hw->regs[0] %#llx: DTE.HAD %llub needs EFR.%s, which this IOMMU "
			       "lacks (EFR %#llx)",
			       vcm_ull(q0), had == 1U ? 1ULL : 11ULL,
			       had == 1U ? "HASup" : "HDSup", vcm_ull(efr));
	return 0;
}

static int amdvi_program(void *ctx, unsigned int base, const struct vcm_hw_regs *hw)
{
	struct vcm_amdvi_dev *dev = ctx;
	struct vcm_amdvi *m = dev->iommu;
	uint64_t q0, mode;
	int ret;

	vcm_diag_enter(&m->diag, "vcm_amdvi_dev_ops.program");
	if (base != VCM_BASE_LOW)
		return VCM_ERR(&m->diag, -EINVAL, "base %u: a DTE has one table root", base);
	if (hw == NULL || !is_amdv1(hw->fmt))
		return VCM_ERR(&m->diag, -EINVAL, "hw format %s: the DTE takes amdv1 tables",
			       hw == NULL || hw->fmt == NULL ? "(none)" : hw->fmt);
	q0 = hw->regs[0] & AMDVI_DTE_Q0_HOST;
	mode = VCM_FIELD_GET(AMDVI_DTE_MODE, q0);
	if ((q0 & (AMDVI_DTE_V | AMDVI_DTE_TV)) != (AMDVI_DTE_V | AMDVI_DTE_TV) ||
	    mode == 0U || mode > 6U)
		return VCM_ERR(&m->diag, -EINVAL,
			       "hw->regs[0] %#llx: needs V, TV and Mode 1..6 (2.2.2)",
			       vcm_ull(hw->regs[0]));
	ret = had_check(m, hw->regs[0]);
	if (ret != 0)
		return ret;
	/*
	 * 2.2.2 DomainID: the IOMMU tags what it caches of the page tables with
	 * the domain, so every DTE of one domain must point at the same table;
	 * otherwise one device hits the other's translations.
	 */
	for (const struct vcm_amdvi_dev *o = m->devs; o != NULL; o = o->next)
		if (o != dev && o->programmed && o->domid == dev->domid &&
		    o->root != (q0 & (AMDVI_DTE_MODE | AMDVI_DTE_PTRP)))
			return VCM_ERR(&m->diag, -EEXIST,
				       "domid %#x: device %#x uses it with table %#llx, not %#llx",
				       (unsigned int)dev->domid, (unsigned int)o->devid,
				       vcm_ull(o->root & AMDVI_DTE_PTRP),
				       vcm_ull(q0 & AMDVI_DTE_PTRP));
	dev->programmed = true;
	dev->root = q0 & (AMDVI_DTE_MODE | AMDVI_DTE_PTRP);
	ret = dte_commit(dev, q0);
	if (ret != 0) {
		/*
		 * The graph clears no base whose program failed: undo the write
		 * here, best effort, so that no valid DTE is left pointing at a
		 * table the caller frees. The first failure is the one reported.
		 */
		struct vcm_diag first = m->diag;

		(void)dte_block(dev);
		m->diag = first;
	}
	return ret;
}

static void amdvi_clear(void *ctx, unsigned int base)
{
	struct vcm_amdvi_dev *dev = ctx;
	struct vcm_amdvi *m = dev->iommu;

	vcm_diag_enter(&m->diag, "vcm_amdvi_dev_ops.clear");
	(void)base;
	(void)dte_block(dev);
}

static void amdvi_tlb_range(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	struct vcm_amdvi_dev *dev = ctx;
	struct vcm_amdvi *m = dev->iommu;
	int ret;

	vcm_diag_enter(&m->diag, "vcm_amdvi_dev_ops.tlb_range");
	(void)base;
	ret = cmd_inv_pages(m, dev->domid, inv_pages_q1(da, len), !leaf);
	if (ret == 0)
		ret = cmd_sync(m);
	if (ret != 0)
		m->stats.errors++;
}

static void amdvi_tlb_all(void *ctx, unsigned int base)
{
	struct vcm_amdvi_dev *dev = ctx;
	struct vcm_amdvi *m = dev->iommu;
	int ret;

	vcm_diag_enter(&m->diag, "vcm_amdvi_dev_ops.tlb_all");
	(void)base;
	ret = cmd_inv_pages(m, dev->domid, AMDVI_INV_ALL_ADDR | AMDVI_INV_S, true);
	if (ret == 0)
		ret = cmd_sync(m);
	if (ret != 0)
		m->stats.errors++;
}

static uint32_t amdvi_hw_version(void *ctx)
{
	struct vcm_amdvi_dev *dev = ctx;

	return (uint32_t)dev->iommu->mmio.ops->read64(dev->iommu->mmio.ctx, AMDVI_MMIO_EFR);
}

const struct vcm_dev_ops vcm_amdvi_dev_ops = {
	.program = amdvi_program,
	.clear = amdvi_clear,
	.tlb_range = amdvi_tlb_range,
	.tlb_all = amdvi_tlb_all,
	.hw_version = amdvi_hw_version,
	.power_query = NULL,
};

void vcm_amdvi_decode_event(const uint64_t raw[2], struct vcm_amdvi_event *ev)
{
	uint64_t q0 = raw[0];
	struct vcm_fault *f = &ev->fault;

	*ev = (struct vcm_amdvi_event){
		.code = (unsigned int)VCM_FIELD_GET(AMDVI_EVT_CODE, q0),
		.raw = { raw[0], raw[1] },
	};
	*f = (struct vcm_fault){
		.level = VCM_FAULT_LEVEL_NONE,
		.desc_pa = VCM_FAULT_DESC_NONE,
		.base = VCM_BASE_LOW,
		.stream = (uint32_t)VCM_FIELD_GET(AMDVI_EVT_DEVID, q0),
		/* 2.5.3: RW tells a write from a read; NX an execute, US a user access */
		.access = ((q0 & AMDVI_EVT_RW) != 0U ? VCM_ACCESS_WRITE : VCM_ACCESS_READ) |
			  ((q0 & AMDVI_EVT_NX) != 0U ? VCM_ACCESS_EXEC : 0U) |
			  ((q0 & AMDVI_EVT_US) != 0U ? VCM_ACCESS_USER : 0U),
	};
	switch (ev->code) {
	case VCM_AMDVI_EV_IO_PAGE_FAULT:
		/* 2.5.3: the address is the device address; PR: the page was present */
		f->da = raw[1];
		f->ctx = (uint32_t)VCM_FIELD_GET(AMDVI_EVT_DOMAIN, q0);
		if ((q0 & AMDVI_EVT_RZ) != 0U)
			f->kind = VCM_FAULT_CONFIG;
		else if ((q0 & AMDVI_EVT_PR) != 0U)
			f->kind = VCM_FAULT_PERMISSION;
		else
			f->kind = VCM_FAULT_TRANSLATION;
		ev->is_fault = true;
		break;
	case VCM_AMDVI_EV_ILLEGAL_DEV_TABLE_ENTRY:
		/* 2.5.2: a DTE with a reserved or illegal value; the address is the da */
		f->da = raw[1];
		f->kind = VCM_FAULT_CONFIG;
		ev->is_fault = true;
		break;
	case VCM_AMDVI_EV_DEV_TAB_HARDWARE_ERROR:
		/* 2.5.4: reading the DTE failed; the address is the DTE's */
		f->desc_pa = raw[1] & VCM_GENMASK(51, 0);
		f->kind = VCM_FAULT_EXTERNAL;
		ev->is_fault = true;
		break;
	case VCM_AMDVI_EV_PAGE_TAB_HARDWARE_ERROR:
		/* 2.5.5: reading a page table entry failed; the address is the entry's */
		f->desc_pa = raw[1] & VCM_GENMASK(51, 3);
		f->ctx = (uint32_t)VCM_FIELD_GET(AMDVI_EVT_DOMAIN, q0);
		f->kind = VCM_FAULT_EXTERNAL;
		ev->is_fault = true;
		break;
	default:
		/* command errors, timeouts: the IOMMU's own, no device fault */
		break;
	}
}

/*
 * 3.4 IOMMU Status, EventOverflow: while it is set the IOMMU writes no entry;
 * to resume, clear it (write 1) and write 1 to EventLogEn. EventLogEn goes
 * to 0 first, and EventLogRun is waited for (bounded) so that the log has
 * stopped before the flag goes: some IOMMUs resume logging only on
 * EventLogEn going from 0 to 1 (Linux found so). The log was drained just
 * before, so head and tail stay as they are.
 */
static int evt_restart(struct vcm_amdvi *m)
{
	uint64_t ctrl = m->mmio.ops->read64(m->mmio.ctx, AMDVI_MMIO_CONTROL);

	wr64(m, AMDVI_MMIO_CONTROL, ctrl & ~AMDVI_CTRL_EVENTLOG_EN);
	for (uint32_t i = 0; (rd32(m, AMDVI_MMIO_STATUS) & AMDVI_STATUS_EVT_RUN) != 0U; i++) {
		if (i >= m->poll_max)
			return VCM_ERR(&m->diag, -ETIMEDOUT,
				       "event log overflow: EventLogRun still set %u polls after "
				       "EventLogEn 0; logging not restarted",
				       (unsigned int)m->poll_max);
		relax(m);
	}
	m->mmio.ops->write32(m->mmio.ctx, AMDVI_MMIO_STATUS, (uint32_t)AMDVI_STATUS_EVT_OVF);
	wr64(m, AMDVI_MMIO_CONTROL, ctrl | AMDVI_CTRL_EVENTLOG_EN);
	m->stats.overflows++;
	return 0;
}

int vcm_amdvi_poll_events(struct vcm_amdvi *iommu, vcm_amdvi_event_fn fn, void *arg)
{
	struct vcm_amdvi_event ev;
	uint32_t head, tail;
	bool overflow;
	int n = 0;

	if (iommu == NULL)
		return -EINVAL;
	vcm_diag_enter(&iommu->diag, "vcm_amdvi_poll_events");
	overflow = (rd32(iommu, AMDVI_MMIO_STATUS) & AMDVI_STATUS_EVT_OVF) != 0U;
	head = rd32(iommu, AMDVI_MMIO_EVT_HEAD) & (uint32_t)AMDVI_PTR;
	tail = rd32(iommu, AMDVI_MMIO_EVT_TAIL) & (uint32_t)AMDVI_PTR;
	if (head >= iommu->evt_bytes || tail >= iommu->evt_bytes)
		return VCM_ERR(&iommu->diag, -EIO,
			       "event log head %#x or tail %#x beyond the %#x-byte log",
			       (unsigned int)head, (unsigned int)tail,
			       (unsigned int)iommu->evt_bytes);
	while (head != tail) {
		volatile uint64_t *e = iommu->evt + head / 8U;
		uint64_t raw[2] = { e[0], e[1] };

		vcm_amdvi_decode_event(raw, &ev);
		head = (head + AMDVI_EVT_BYTES) & (iommu->evt_bytes - 1U);
		/* 2.5: software owns the entry until it moves the head past it */
		wr64(iommu, AMDVI_MMIO_EVT_HEAD, head);
		iommu->stats.events++;
		n++;
		if (fn != NULL)
			fn(arg, &ev);
	}
	if (overflow) {
		int ret = evt_restart(iommu);

		if (ret != 0)
			return ret;
	}
	return n;
}
