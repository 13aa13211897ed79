// SPDX-License-Identifier: MIT
/*
 * The x86-64 QEMU harness (long mode, on the table under test; start_x86.S
 * gets it there). For each vector of the blob at VQX_VECTORS_PA it touches
 * the address and compares with what the reference model expects:
 *  - a supervisor read with EFLAGS.AC = 1 faults exactly when the model says
 *    unmapped (error code P = 0); otherwise it returns the signature of the
 *    expected pa when that pa is checked RAM (VQX_DATA);
 *  - a read with AC = 0 faults (SMAP, error code P = 1) exactly for user pages;
 *  - writing the value back faults (CR0.WP = 1, error code P = 1, W = 1)
 *    exactly for read-only pages; no fault ever reports a reserved bit (RSVD).
 *    A VQX_RONLY vector is never written (the dirty test keeps it clean).
 * When the header asks for it (dump_len), prints the nonzero words of the
 * table arena afterwards, as the walker left them (A and D bits included).
 * Prints "RESULT vectors=N ats=A mismatches=M" on COM1 and leaves QEMU through
 * isa-debug-exit with status 2 * min(M, 127) + 1.
 */
#include <stdint.h>
#include "bm_common.h"
#include "bm_x86.h"
#include "vectors_x86.h"

uint64_t probe_read(uint64_t va, int user_ok);
void probe_write(uint64_t va, uint64_t value);
void pf_entry(void);
void exc_entry(void);

volatile uint32_t pf_hit;
volatile uint64_t pf_err, pf_cr2;

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
};

static struct idt_gate idt[32] __attribute__((aligned(16)));

#define PF_P    0x1U
#define PF_W    0x2U
#define PF_RSVD 0x8U

void bm_putc(char c)
{
	outb(0x3f8, (uint8_t)c);
}

static void __attribute__((noreturn)) leave(unsigned int code)
{
	outb(0xf4, (uint8_t)code); /* isa-debug-exit: QEMU exits with (code << 1) | 1 */
	for (;;)
		__asm__ volatile("cli; hlt");
}

void __attribute__((noreturn)) harness_exception(void)
{
	bm_puts("UNEXPECTED EXCEPTION (not #PF)\n");
	leave(127);
}

static void set_gate(unsigned int n, void (*fn)(void))
{
	uint64_t a = (uint64_t)fn;

	idt[n] = (struct idt_gate){ .off0 = (uint16_t)a, .sel = 0x08, .type = 0x8e,
				    .off1 = (uint16_t)(a >> 16), .off2 = (uint32_t)(a >> 32) };
}

static unsigned int mismatches;

static void mismatch(uint32_t i, const struct vqx_vec *v, const char *what, uint64_t got)
{
	if (++mismatches <= 12U) {
		bm_report_vec(i, "va", v->va, v->pa, v->expect, what, got);
		bm_puts(" err ");
		bm_puthex(pf_err);
		bm_puts(" cr2 ");
		bm_puthex(pf_cr2);
		bm_putc('\n');
	}
}

/* A fault must name the vector's address and no reserved bit. */
static int bad_fault(const struct vqx_vec *v)
{
	return pf_cr2 != v->va || (pf_err & PF_RSVD) != 0U;
}

static unsigned int check(uint32_t i, const struct vqx_vec *v)
{
	unsigned int before = mismatches;
	uint64_t val = probe_read(v->va, 1);

	if ((v->expect & VQX_R) == 0U) {
		if (!pf_hit)
			mismatch(i, v, "read should fault, got", val);
		else if (bad_fault(v) || (pf_err & PF_P) != 0U)
			mismatch(i, v, "not-present fault expected", 0);
		return 1;
	}
	if (pf_hit) {
		mismatch(i, v, "read faulted", 0);
		return 1;
	}
	if ((v->expect & VQX_DATA) != 0U && val != (v->pa & ~UINT64_C(7)))
		mismatch(i, v, "read a different pa's data", val);
	(void)probe_read(v->va, 0);
	if (pf_hit != ((v->expect & VQX_U) != 0U))
		mismatch(i, v, pf_hit ? "SMAP fault on a supervisor page" : "no SMAP fault", 0);
	else if (pf_hit && (bad_fault(v) || (pf_err & PF_P) == 0U))
		mismatch(i, v, "SMAP fault with a wrong error code", 0);
	if ((v->expect & VQX_RONLY) != 0U)
		return 2;
	probe_write(v->va, val);
	if (pf_hit != ((v->expect & VQX_W) == 0U))
		mismatch(i, v, pf_hit ? "write faulted" : "write to a read-only page went through",
			 0);
	else if (pf_hit && (bad_fault(v) || (pf_err & (PF_P | PF_W)) != (PF_P | PF_W)))
		mismatch(i, v, "write fault with a wrong error code", 0);
	(void)before;
	return 3;
}

void __attribute__((noreturn)) harness_main(void)
{
	const struct vqx_header *h = (const struct vqx_header *)(uintptr_t)VQX_VECTORS_PA;
	const struct vqx_vec *v = (const struct vqx_vec *)(h + 1);
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	uint32_t ats = 0;

	for (unsigned int n = 0; n < 32U; n++)
		set_gate(n, n == 14U ? pf_entry : exc_entry);
	__asm__ volatile("lidt %0" : : "m"(idtr));
	if (h->magic != VQX_MAGIC || h->version != VQX_VERSION || h->count > VQX_MAX_VECS) {
		bm_puts("bad vector blob\n");
		leave(127);
	}
	for (uint32_t i = 0; i < h->count; i++)
		ats += check(i, &v[i]);
	/* the arena is mapped onto itself, read only: these reads mark nothing dirty */
	bm_dump_entries(VQX_TABLES_PA, h->dump_len);
	bm_result(h->count, ats, mismatches);
	leave(mismatches > 127U ? 127U : mismatches);
}
