/* network: ties between employees, their strength and trust (brief S11).
 *
 * Decay is lazy: an edge records the week up to which it is current; net_sync() applies the
 * weeks since then. While both ends share an active team (shared > 0) nothing decays.
 *   trust    relaxes toward the baseline of the pair at rate trust.decay per week
 *   strength falls by network.tie_decay per week, but never below its everyday level w0;
 *            work-made ties (w0 = 0) fade and are deleted below network.tie_delete_below. */
#include "error.h"
#include "model.h"
#include <math.h>
#include <stdlib.h>

static void adj_push(model *m, int a, int e) {
    adjacency *ad = &m->adj;
    if (ad->deg[a] == ad->cap[a]) {
        ad->cap[a] = ad->cap[a] ? 2 * ad->cap[a] : 8;
        ad->e[a] = xrealloc(ad->e[a], sizeof(int32_t) * (size_t)ad->cap[a]);
    }
    ad->e[a][ad->deg[a]++] = e;
}

/* Remove edge e from a's list, keeping the order of the others (iteration order is part of
 * the model's determinism). */
static void adj_drop(model *m, int a, int e) {
    adjacency *ad = &m->adj;
    int32_t *l = ad->e[a];
    int n = ad->deg[a];
    for (int i = 0; i < n; i++)
        if (l[i] == e) {
            for (int j = i + 1; j < n; j++) l[j - 1] = l[j];
            ad->deg[a]--;
            return;
        }
}

static void edges_grow(edges *E) {
    int cap = E->cap ? 2 * E->cap : 1024;
    E->u = xrealloc(E->u, sizeof *E->u * (size_t)cap);
    E->v = xrealloc(E->v, sizeof *E->v * (size_t)cap);
    E->w = xrealloc(E->w, sizeof *E->w * (size_t)cap);
    E->w0 = xrealloc(E->w0, sizeof *E->w0 * (size_t)cap);
    E->T = xrealloc(E->T, sizeof *E->T * (size_t)cap);
    E->last = xrealloc(E->last, sizeof *E->last * (size_t)cap);
    E->shared = xrealloc(E->shared, sizeof *E->shared * (size_t)cap);
    E->alive = xrealloc(E->alive, sizeof *E->alive * (size_t)cap);
    E->cross = xrealloc(E->cross, sizeof *E->cross * (size_t)cap);
    E->free_list = xrealloc(E->free_list, sizeof *E->free_list * (size_t)cap);
    E->xpos = xrealloc(E->xpos, sizeof *E->xpos * (size_t)cap);
    E->xlist = xrealloc(E->xlist, sizeof *E->xlist * (size_t)cap);
    E->cap = cap;
}

int net_find(model *m, int a, int b) {
    if (m->adj.deg[b] < m->adj.deg[a]) {
        int x = a;
        a = b;
        b = x;
    }
    const int32_t *l = m->adj.e[a];
    for (int i = 0, n = m->adj.deg[a]; i < n; i++) {
        int e = l[i];
        if (m->ed.u[e] == b || m->ed.v[e] == b) return e;
    }
    return -1;
}

int net_add(model *m, int a, int b, double w, double w0, double T) {
    edges *E = &m->ed;
    int e;
    if (E->n_free > 0) {
        /* Reuse the most recently freed id: ids depend only on the sequence of events. */
        e = E->free_list[--E->n_free];
    } else {
        if (E->n == E->cap) edges_grow(E);
        e = E->n++;
    }
    E->u[e] = a;
    E->v[e] = b;
    E->w[e] = w;
    E->w0[e] = w0;
    E->T[e] = T;
    E->last[e] = m->t;
    E->shared[e] = 0;
    E->alive[e] = 1;
    E->cross[e] = m->ag.org[a] != m->ag.org[b];
    if (E->cross[e]) {
        E->xpos[e] = E->nx;
        E->xlist[E->nx++] = e;
    }
    adj_push(m, a, e);
    adj_push(m, b, e);
    return e;
}

/* Mark e dead and recycle its id; the caller has taken it out of the adjacency lists. */
static void edge_free(model *m, int e) {
    edges *E = &m->ed;
    E->alive[e] = 0;
    if (E->cross[e]) {
        int last = E->xlist[--E->nx];
        E->xlist[E->xpos[e]] = last;
        E->xpos[last] = E->xpos[e];
    }
    if (E->n_free == E->cap) edges_grow(E);
    E->free_list[E->n_free++] = e;
}

void net_remove(model *m, int e) {
    adj_drop(m, m->ed.u[e], e);
    adj_drop(m, m->ed.v[e], e);
    edge_free(m, e);
}

void net_isolate(model *m, int a) {
    for (int i = m->adj.deg[a] - 1; i >= 0; i--) {
        int e = m->adj.e[a][i];
        adj_drop(m, m->ed.u[e] == a ? m->ed.v[e] : m->ed.u[e], e);
        edge_free(m, e);
    }
    m->adj.deg[a] = 0;
}

void net_sync(model *m, int e) {
    edges *E = &m->ed;
    int dt = m->t - E->last[e];
    if (dt <= 0) return;
    E->last[e] = m->t;
    if (E->shared[e] > 0) return;
    const params *p = m->p;
    double base = world_base_trust(m, E->u[e], E->v[e]);
    double f = dt <= m->T + 1 ? m->decay_T[dt] : pow(1 - p->delta_T, dt);
    E->T[e] = base + (E->T[e] - base) * f;
    if (E->w[e] > E->w0[e]) {
        double w = E->w[e] - p->delta_w * dt;
        E->w[e] = w > E->w0[e] ? w : E->w0[e];
    }
}

/* Prototrust of strangers (McEvily et al.): the pair's baseline, raised by a share of the best
 * second-hand path through a common contact. */
double net_prototrust(model *m, int a, int b) {
    double base = world_base_trust(m, a, b);
    if (++m->stamp == INT32_MAX) {
        for (int i = 0; i < m->ag.n; i++) m->mark[i] = 0;
        m->stamp = 1;
    }
    /* Mark a's neighbours with the trust of the tie; the mark holds the stamp, the trust is
     * looked up again on a hit (degrees are small). */
    const int32_t *la = m->adj.e[a];
    for (int i = 0; i < m->adj.deg[a]; i++) {
        int e = la[i];
        int k = m->ed.u[e] == a ? m->ed.v[e] : m->ed.u[e];
        m->mark[k] = m->stamp;
    }
    double best = -1;
    const int32_t *lb = m->adj.e[b];
    for (int i = 0; i < m->adj.deg[b]; i++) {
        int e = lb[i];
        int k = m->ed.u[e] == b ? m->ed.v[e] : m->ed.u[e];
        if (m->mark[k] != m->stamp) continue;
        int ea = net_find(m, a, k);
        net_sync(m, e);
        net_sync(m, ea);
        double s = m->ed.T[e] < m->ed.T[ea] ? m->ed.T[e] : m->ed.T[ea];
        if (s > best) best = s;
    }
    double T = base + m->p->gamma_sh * (best > base ? best - base : 0);
    return T > 1 ? 1 : T;
}

double net_trust(model *m, int a, int b) {
    int e = net_find(m, a, b);
    if (e < 0) return net_prototrust(m, a, b);
    net_sync(m, e);
    return m->ed.T[e];
}

int net_share(model *m, int a, int b, int delta) {
    int e = net_find(m, a, b);
    if (e < 0) {
        if (delta < 0) return -1;
        e = net_add(m, a, b, m->p->w_new, 0, net_prototrust(m, a, b));
    }
    net_sync(m, e);
    edges *E = &m->ed;
    E->shared[e] = (int16_t)(E->shared[e] + delta);
    if (E->shared[e] < 0) E->shared[e] = 0;
    if (delta > 0 && E->w[e] < m->p->w_new) E->w[e] = m->p->w_new;
    return e;
}

void net_sweep(model *m) {
    edges *E = &m->ed;
    for (int e = 0; e < E->n; e++) {
        if (!E->alive[e] || E->shared[e] > 0 || E->w0[e] > 0) continue;
        net_sync(m, e);
        if (E->w[e] < m->p->w_del) net_remove(m, e);
    }
}

/* Sum of the current trust of the cross-organisation ties in chunk c of `chunks`. */
static double cross_chunk(const model *m, int c, int chunks, double base) {
    const edges *E = &m->ed;
    int nx = E->nx;
    double t = 0;
    for (int i = (int)((long)nx * c / chunks); i < (int)((long)nx * (c + 1) / chunks); i++) {
        int e = E->xlist[i];
        int dt = m->t - E->last[e];
        t += E->shared[e] > 0 || dt <= 0 ? E->T[e] : base + (E->T[e] - base) * m->decay_T[dt];
    }
    return t;
}

void net_cross_trust(model *m, double *mean, int *count) {
    edges *E = &m->ed;
    double s = 0;
    int n = 0;
    /* Read-only lazy decay: every cross-organisation pair shares the baseline base_x. Summed in 64
     * fixed chunks, then the chunks in order: the same number for any thread count. */
    enum { CHUNKS = 64 };
    double part[CHUNKS];
    double base = m->base_x;
    int nx = E->nx;
    /* No OpenMP construct at all for small networks or one thread: entering even an inactive
     * parallel region costs locks that runs in parallel would contend for. */
    if (nx > 20000 && m->threads > 1) {
#pragma omp parallel for schedule(static) num_threads(m->threads)
        for (int c = 0; c < CHUNKS; c++) part[c] = cross_chunk(m, c, CHUNKS, base);
    } else {
        for (int c = 0; c < CHUNKS; c++) part[c] = cross_chunk(m, c, CHUNKS, base);
    }
    for (int c = 0; c < CHUNKS; c++) s += part[c];
    n = nx;
    *mean = n ? s / n : NAN;
    *count = n;
}
