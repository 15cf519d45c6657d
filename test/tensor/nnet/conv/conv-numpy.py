"""Generates conv-numpy.json: conv2d and pool2d references by direct numpy loops
(conv2d cross-checked against scipy.signal.convolve2d / correlate2d where scipy is present).
Run once: python3 conv-numpy.py"""
import json
import numpy as np

rng = np.random.default_rng(7)


def arr(*shape):
    return np.round(rng.uniform(-2, 2, size=shape), 3)


def conv2d(x, w, border='valid', subsample=(1, 1), dil=(1, 1), groups=1, flip=True):
    if flip:
        w = w[:, :, ::-1, ::-1]
    N, C, H, W = x.shape
    F, Cg, kh, kw = w.shape
    dkh, dkw = (kh - 1) * dil[0] + 1, (kw - 1) * dil[1] + 1
    if border == 'valid':
        ph, pw = 0, 0
    elif border == 'full':
        ph, pw = dkh - 1, dkw - 1
    elif border == 'half':
        ph, pw = dkh // 2, dkw // 2
    elif isinstance(border, int):
        ph, pw = border, border
    else:
        ph, pw = border
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho = (H + 2 * ph - dkh) // subsample[0] + 1
    Wo = (W + 2 * pw - dkw) // subsample[1] + 1
    Fg = F // groups
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            g = f // Fg
            for i in range(Ho):
                for j in range(Wo):
                    r, c = i * subsample[0], j * subsample[1]
                    patch = xp[n, g * Cg:(g + 1) * Cg, r:r + dkh:dil[0], c:c + dkw:dil[1]]
                    out[n, f, i, j] = np.sum(patch * w[f])
    return out


def pool_out(n, ws, st, pad, ignore_border):
    r = n + 2 * pad
    if ignore_border:
        return r // st if ws == st else max(0, (r - ws) // st + 1)
    if st >= ws:
        return (r - 1) // st + 1
    return max(0, (r - 1 - ws + st) // st) + 1


def pool2d(x, ws, ignore_border=True, stride=None, pad=(0, 0), mode='max'):
    """Theano's Pool.perform over the last two axes."""
    stride = stride or ws
    lead = x.shape[:-2]
    x3 = x.reshape((-1,) + x.shape[-2:])
    H, W = x.shape[-2:]
    ph, pw = pad
    Hp, Wp = H + 2 * ph, W + 2 * pw
    y = np.zeros((x3.shape[0], Hp, Wp))
    y[:, ph:ph + H, pw:pw + W] = x3
    Ho, Wo = pool_out(H, ws[0], stride[0], ph, ignore_border), pool_out(W, ws[1], stride[1], pw, ignore_border)
    inc_pad = mode == 'average_inc_pad'
    func = {'max': np.max, 'sum': np.sum}.get(mode, np.average)
    out = np.zeros((x3.shape[0], Ho, Wo))
    for k in range(x3.shape[0]):
        for r in range(Ho):
            rs = r * stride[0]
            re = min(rs + ws[0], Hp)
            if not inc_pad:
                rs, re = max(rs, ph), min(re, H + ph)
            for c in range(Wo):
                cs = c * stride[1]
                ce = min(cs + ws[1], Wp)
                if not inc_pad:
                    cs, ce = max(cs, pw), min(ce, W + pw)
                out[k, r, c] = func(y[k, rs:re, cs:ce])
    return out.reshape(lead + (Ho, Wo))


out = {'conv': [], 'pool': []}

x1, w1 = arr(2, 3, 5, 6), arr(4, 3, 3, 2)
xg, wg = arr(2, 4, 6, 5), arr(6, 2, 3, 3)
conv_cases = [
    ('valid', x1, w1, {}),
    ('full', x1, w1, {'borderMode': 'full'}),
    ('half', x1, w1, {'borderMode': 'half'}),
    ('explicit [1, 2]', x1, w1, {'borderMode': [1, 2]}),
    ('number 1', x1, w1, {'borderMode': 1}),
    ('stride [2, 3]', x1, w1, {'subsample': [2, 3]}),
    ('half with stride [2, 2]', x1, w1, {'borderMode': 'half', 'subsample': [2, 2]}),
    ('dilation [2, 1]', x1, w1, {'filterDilation': [2, 1]}),
    ('half with dilation [1, 2]', x1, w1, {'borderMode': 'half', 'filterDilation': [1, 2]}),
    ('full with dilation [2, 2]', x1, w1, {'borderMode': 'full', 'filterDilation': [2, 2]}),
    ('filterFlip false', x1, w1, {'filterFlip': False}),
    ('groups 2', xg, wg, {'numGroups': 2}),
    ('groups 2, pad, stride, dilation, no flip', xg, wg, {'numGroups': 2, 'borderMode': [2, 1], 'subsample': [2, 1], 'filterDilation': [1, 2], 'filterFlip': False}),
]
for name, x, w, o in conv_cases:
    border = o.get('borderMode', 'valid')
    y = conv2d(x, w, border if not isinstance(border, list) else tuple(border), tuple(o.get('subsample', (1, 1))),
               tuple(o.get('filterDilation', (1, 1))), o.get('numGroups', 1), o.get('filterFlip', True))
    out['conv'].append({'name': name, 'x': x.tolist(), 'w': w.tolist(), 'options': o, 'y': y.tolist()})

try:
    from scipy.signal import convolve2d, correlate2d
    for name, x, w, o in conv_cases[:3] + conv_cases[10:11]:
        mode = {'valid': 'valid', 'full': 'full'}.get(o.get('borderMode', 'valid'))
        if mode is None:
            continue
        ref = conv2d(x, w, mode, flip=o.get('filterFlip', True))
        fn = convolve2d if o.get('filterFlip', True) else correlate2d
        s = sum(fn(x[1, c], w[2, c], mode=mode) for c in range(x.shape[1]))
        assert np.allclose(s, ref[1, 2]), name
    print('scipy cross-check passed')
except ImportError:
    print('scipy absent: no cross-check')

xp = arr(2, 3, 5, 7)
pool_cases = []
for mode in ['max', 'sum', 'average_inc_pad', 'average_exc_pad']:
    pool_cases += [
        (xp, {'ws': [2, 2], 'mode': mode}),
        (xp, {'ws': [2, 3], 'ignoreBorder': False, 'mode': mode}),
        (xp, {'ws': [3, 2], 'stride': [1, 2], 'mode': mode}),
        (xp, {'ws': [3, 2], 'stride': [1, 2], 'ignoreBorder': False, 'mode': mode}),
        (xp, {'ws': [3, 3], 'stride': [2, 2], 'pad': [1, 2], 'mode': mode}),
        (xp, {'ws': [2, 2], 'stride': [3, 3], 'ignoreBorder': False, 'mode': mode}),
    ]
pool_cases += [(arr(5, 4), {'ws': [2, 3], 'ignoreBorder': False, 'mode': 'max'}),
               (arr(3, 4, 5), {'ws': [2, 2], 'stride': [1, 1], 'pad': [1, 1], 'mode': 'average_exc_pad'})]
for x, o in pool_cases:
    y = pool2d(x, tuple(o['ws']), o.get('ignoreBorder', True), tuple(o['stride']) if 'stride' in o else None,
               tuple(o.get('pad', (0, 0))), o['mode'])
    out['pool'].append({'x': x.tolist(), 'options': o, 'y': y.tolist()})

with open('conv-numpy.json', 'w') as f:
    json.dump(out, f)
print(len(out['conv']), 'conv cases,', len(out['pool']), 'pool cases')
