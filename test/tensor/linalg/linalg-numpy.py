import numpy as np, json
M = {
 'a1': [[2.5]],
 'n3': [[1.,2,3],[0,4,5],[1,0,6]],
 'n4': [[0.3,-1.2,2.0,0.5],[1.1,0.4,-0.7,2.2],[-0.9,1.5,0.8,-0.3],[2.0,0.1,-1.4,0.9]],
 's3': [[4.,1,2],[1,3,0.5],[2,0.5,5]],
 's4': [[5.,1,0.5,-1],[1,4,0.3,0.2],[0.5,0.3,3,0.7],[-1,0.2,0.7,6]],
 't43': [[1.,2,0.5],[-0.3,1.1,2.0],[0.7,-1.5,0.2],[1.3,0.4,-0.8]],
 'w34': [[1.,-0.3,0.7,1.3],[2,1.1,-1.5,0.4],[0.5,2.0,0.2,-0.8]],
}
def fix_cols(v, partner=None):
    v = v.copy(); p = None if partner is None else partner.copy()
    for c in range(v.shape[1]):
        i = np.argmax(np.abs(v[:, c]))
        if v[i, c] < 0:
            v[:, c] *= -1
            if p is not None: p[:, c] *= -1
    return v, p
out = {}
for k, a in M.items():
    a = np.array(a); r = {}
    m, n = a.shape
    if m == n:
        r['inv'] = np.linalg.inv(a).tolist(); r['det'] = float(np.linalg.det(a))
        s, l = np.linalg.slogdet(a); r['slogdet'] = [float(s), float(l)]
        r['solvev'] = np.linalg.solve(a, np.arange(1, n+1, dtype=float)).tolist()
        r['solvem'] = np.linalg.solve(a, np.arange(2*n, dtype=float).reshape(n, 2) - 1).tolist()
        r['trace'] = float(np.trace(a))
    if k.startswith('s') or k == 'a1':
        r['chol'] = np.linalg.cholesky(a).tolist()
        w, v = np.linalg.eigh(a); v, _ = fix_cols(v)
        r['eigh'] = [w.tolist(), v.tolist()]
    q, rr = np.linalg.qr(a); r['qr'] = [q.tolist(), rr.tolist()]
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    vfix, ufix = fix_cols(vt.T, u)
    r['svd'] = [ufix.tolist(), s.tolist(), vfix.T.tolist()]
    r['pinv'] = np.linalg.pinv(a).tolist()
    r['norm'] = {o: float(np.linalg.norm(a, ord)) for o, ord in [('fro','fro'),('nuc','nuc'),('1',1),('inf',np.inf),('2',2)]}
    r['normAxis'] = [np.linalg.norm(a, axis=0).tolist(), np.linalg.norm(a, 1, axis=1).tolist(), np.linalg.norm(a, np.inf, axis=0).tolist()]
    out[k] = r
v = np.array([3., -4, 1, 0.5])
out['vec'] = {'2': float(np.linalg.norm(v)), '1': float(np.linalg.norm(v, 1)), 'inf': float(np.linalg.norm(v, np.inf)), '3': float(np.linalg.norm(v, 3))}
out['mats'] = M
print(json.dumps(out))
