// SPDX-License-Identifier: MIT
/*
 * An extent array into and out of mapper instances. The extents lie one
 * after another in device addresses (only their pa differ), so an instance
 * gets them all in one map call, one piece per extent (for a page table: one
 * walk, not one per extent), and the reservation's whole range in one unmap
 * call. All or nothing: every instance of the VCM is written in creation
 * order; if one refuses, what was written in the ones before it is unmapped
 * in reverse.
 */
#include "graph_internal.h"

void inst_unmap_ext_(struct vcm_sys *sys, struct vcm_inst *in, const struct rmap_ext *ext,
		     uint64_t nr)
{
	/* the whole range of the one map call that made it */
	int ret = in->ops->unmap(in->mi, ext[0].da,
				 ext[nr - 1U].da + ext[nr - 1U].len - ext[0].da, sys_diag_(sys));

	/* a mapper must be able to unmap exactly what one map call made */
	VCM_ASSERT(ret == 0);
	(void)ret;
}

int inst_map_ext_(struct vcm_sys *sys, struct vcm_inst *in, const struct rmap_ext *ext,
		  uint64_t nr, unsigned int prot)
{
	struct vcm_seg one;

	/* the extents follow each other in da: one call, all or nothing */
	if (nr > 1U)
		return in->ops->map(in->mi, ext[0].da, ext_segs_(ext, nr), nr, prot,
				    sys_diag_(sys));
	one = (struct vcm_seg){ .pa = ext[0].tn.key, .len = ext[0].len };
	return in->ops->map(in->mi, ext[0].da, &one, 1, prot, sys_diag_(sys));
}

/*
 * Say whose table refused: the mapper's message names the table's problem,
 * not the device, and a VCM has one table per format. The message becomes
 * "dev '<first device using the instance>' (<mapper>): <mapper's text>".
 */
void inst_name_dev_(struct vcm *vcm, const struct vcm_inst *in, int ret)
{
	struct vcm_sys *sys = vcm->h.sys;
	char text[VCM_DIAG_MSG_LEN];
	struct glist *p;

	glist_for_each(p, &vcm->assocs) {
		struct vcm_avcm *a = GRAPH_CONTAINER(p, struct vcm_avcm, vcm_node);

		if (a->inst != in)
			continue;
		graph_keep_msg_(sys, text);
		GERR(sys, ret, "dev '%s' (%s): %s", a->dev->name,
		     in->ops->name != NULL ? in->ops->name : "?", text);
		return;
	}
}

int insts_map_ext_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr, unsigned int prot)
{
	struct vcm_sys *sys = vcm->h.sys;
	struct glist *p;

	glist_for_each(p, &vcm->insts) {
		struct vcm_inst *in = GRAPH_CONTAINER(p, struct vcm_inst, node);
		int ret = inst_map_ext_(sys, in, ext, nr, prot);

		if (ret != 0) {
			inst_name_dev_(vcm, in, ret);
			for (p = p->prev; p != &vcm->insts; p = p->prev)
				inst_unmap_ext_(sys, GRAPH_CONTAINER(p, struct vcm_inst, node), ext,
						nr);
			return ret;
		}
	}
	return 0;
}

void insts_stash_(struct vcm *vcm, enum inst_stash_mode m)
{
	struct glist *p;

	glist_for_each(p, &vcm->insts) {
		struct vcm_inst *in = GRAPH_CONTAINER(p, struct vcm_inst, node);

		if (m == INST_PASS)
			inst_stash_drain_(in);
		else
			in->stash_mode = m;
	}
}

int insts_unmap_ext_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr, unsigned int prot)
{
	struct vcm_sys *sys = vcm->h.sys;
	uint64_t len = ext[nr - 1U].da + ext[nr - 1U].len - ext[0].da;
	enum inst_stash_mode was;
	struct glist *p, *q;
	int ret = 0;

	if (glist_empty(&vcm->insts))
		return 0;
	/* tables the unmaps empty are kept until the end (migrate keeps them longer) */
	was = GRAPH_CONTAINER(vcm->insts.next, struct vcm_inst, node)->stash_mode;
	if (was == INST_PASS)
		insts_stash_(vcm, INST_KEEP);
	for (p = vcm->insts.prev; p != &vcm->insts; p = p->prev) {
		struct vcm_inst *in = GRAPH_CONTAINER(p, struct vcm_inst, node);

		ret = in->ops->unmap(in->mi, ext[0].da, len, sys_diag_(sys));
		if (ret != 0)
			break;
	}
	if (ret != 0) {
		inst_name_dev_(vcm, GRAPH_CONTAINER(p, struct vcm_inst, node), ret);
		/*
		 * Page tables and the hosted CPU mapper unmap what one map call
		 * made without fail (the CPU's falls back to mprotect when its
		 * mmap fails); a driver's own mapper might not. The instances
		 * unmapped before it get their mappings back, in the tables
		 * they just emptied.
		 */
		insts_stash_(vcm, INST_REUSE);
		for (q = p->next; q != &vcm->insts; q = q->next) {
			int r = inst_map_ext_(sys, GRAPH_CONTAINER(q, struct vcm_inst, node), ext,
					      nr, prot);

			VCM_ASSERT(r == 0);
			(void)r;
		}
	}
	insts_stash_(vcm, was);
	return ret;
}
