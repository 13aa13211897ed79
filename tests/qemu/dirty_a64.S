// SPDX-License-Identifier: MIT
// Entry, exception vectors and probes of the aarch64 dirty harness
// (dirty_a64.c). Entered at EL1 with the MMU off (-machine virt without
// virtualization=on). A data abort in a probe records ESR_EL1 and FAR_EL1,
// sets a64_fault and resumes after the faulting instruction; any other
// exception ends the run.
	.section .text.start, "ax"
	.global _start
_start:
	ldr	x0, =__stack_top
	mov	sp, x0
	adr	x0, a64_vectors
	msr	vbar_el1, x0
	isb
	bl	image_main
1:	b	1b

	.text
// uint64_t a64_load(uint64_t va); void a64_store(uint64_t va, uint64_t v)
	.global a64_load
a64_load:
	ldr	x1, =a64_fault
	str	wzr, [x1]
	ldr	x0, [x0]
	ret
	.global a64_store
a64_store:
	ldr	x2, =a64_fault
	str	wzr, [x2]
	str	x1, [x0]
	ret

// semihost_exit(w0 = code): extended SYS_EXIT, as start_a64.S
	.global semihost_exit
semihost_exit:
	sub	sp, sp, #16
	mov	x2, #0x0026
	movk	x2, #0x2, lsl #16
	str	x2, [sp]
	uxtw	x0, w0
	str	x0, [sp, #8]
	mov	x1, sp
	mov	w0, #0x18
	hlt	#0xf000
2:	b	2b

sync_handler:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, esr_el1
	lsr	x1, x0, #26
	cmp	x1, #0x25		// data abort from the current EL
	b.ne	other
	ldr	x1, =a64_esr
	str	x0, [x1]
	mrs	x0, far_el1
	ldr	x1, =a64_far
	str	x0, [x1]
	ldr	x1, =a64_fault
	mov	w0, #1
	str	w0, [x1]
	mrs	x0, elr_el1
	add	x0, x0, #4
	msr	elr_el1, x0
	ldp	x0, x1, [sp], #16
	eret
other:
	bl	a64_unexpected
3:	b	3b

// VBAR_EL1: 16 entries of 128 bytes; interrupts stay masked (DAIF from
// reset), so the synchronous entries (current EL with SP0 at 0x000, with
// SPx at 0x200) are the ones that matter.
	.balign 2048
a64_vectors:
	.rept 16
	.balign 128
	b	sync_handler
	.endr
	.section .note.GNU-stack, "", @progbits
