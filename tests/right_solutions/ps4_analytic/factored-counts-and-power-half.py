# Right solution: cost counts as other algebraically equal closed forms (factored differently); variance as d * sigma**2 / 2 and he_std as (2 / d) ** 0.5
# %% cost_solution 1
return K * (K * (n * L))
# %% cost_solution 2
return 3 * inference_mults(L, K, n) - n * K * K
# %% cost_solution 3
return K * (L * K + 2 * n)
# %% cost_solution 4
return L * K * (K + n)
# %% variance_solution 1
return d * sigma ** 2 / 2
# %% variance_solution 2
return (2 / d) ** 0.5
