// SPDX-License-Identifier: MIT
// 32-bit Arm entry for harness.c: a stack, the C code, and the semihosting exit.
// Entered in Hyp mode with the Hyp MMU off (-machine virt,virtualization=on).
	.arm
	.section .text.start, "ax"
	.global _start
_start:
	ldr	sp, =__stack_top
	bl	harness_main
1:	b	1b

// semihost_exit(r0 = code): SYS_EXIT_EXTENDED (0x20) with the parameter block
// {ADP_Stopped_ApplicationExit = 0x20026, code} via SVC 0x123456 in A32 state
// (Arm "Semihosting for AArch32 and AArch64", 2.0). QEMU exits with `code`.
	.text
	.global semihost_exit
semihost_exit:
	sub	sp, sp, #8
	ldr	r2, =0x20026
	str	r2, [sp]
	str	r0, [sp, #4]
	mov	r1, sp
	mov	r0, #0x20
	svc	0x123456
2:	b	2b
