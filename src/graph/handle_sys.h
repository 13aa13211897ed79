/* SPDX-License-Identifier: MIT */
#ifndef VCM_GRAPH_HANDLE_SYS_H
#define VCM_GRAPH_HANDLE_SYS_H

struct vcm_sys;

/*
 * The live system whose slot @handle names (any kind of handle), or NULL.
 * Says nothing of whether the object itself still lives: that is the native
 * call's check. For the 2010 layer (src/rfc), which serves one system
 * through vcm.h and must refuse the handles of every other.
 */
struct vcm_sys *vcm_handle_sys_(const void *handle);

#endif
