//! Tests of the covariate entry points (`covariates.rs`, `covariates_predict.rs`): the C calls
//! give the core's numbers, the plain model's at each customer's parameters, and the core's
//! errors with their fields.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use cvm_core::models::{
    simulate, GammaGamma, GammaGammaParams, ParetoNbdParams, SimulationOptions,
};

use crate::columns::{cvm_doubles, cvm_fit_columns, cvm_strings};
use crate::covariate_model::*;
use crate::covariates::*;
use crate::covariates_predict::*;
use crate::models::{
    cvm_fit_diagnostics, cvm_model, cvm_model_diagnostics, cvm_model_fit, cvm_model_free,
    cvm_model_from_params, cvm_model_params, cvm_model_probability_alive,
};
use crate::{cvm_last_error_field, cvm_last_error_index, cvm_last_error_message, cvm_status};

const OK: cvm_status = cvm_status::CVM_STATUS_OK;

fn field() -> String {
    unsafe { CStr::from_ptr(cvm_last_error_field()) }.to_str().unwrap().to_string()
}

fn message() -> String {
    unsafe { CStr::from_ptr(cvm_last_error_message()) }.to_str().unwrap().to_string()
}

/// Two Pareto/NBD groups (`vip` 0 and 1; the VIPs buy e^0.7 times as often and leave at e^−0.5
/// times the rate): frequency, recency, T, vip.
fn cohort(n: usize) -> [Vec<f64>; 4] {
    let (mut x, mut tx, mut t, mut z) = (vec![], vec![], vec![], vec![]);
    for group in 0..2u64 {
        let zi = group as f64;
        let p = ParetoNbdParams::new(0.6, 10.0 * (-0.7 * zi).exp(), 0.8, 12.0 * (0.5 * zi).exp())
            .unwrap();
        let o = SimulationOptions::default().with_n_customers(n / 2).with_seed(7 + group);
        let s = simulate::pareto_nbd(&p, &o).unwrap();
        x.extend(s.frequency);
        tx.extend(s.recency);
        t.extend(s.t);
        z.extend(std::iter::repeat_n(zi, n / 2));
    }
    [x, tx, t, z]
}

fn cols(c: &[Vec<f64>; 4]) -> cvm_fit_columns {
    let d = |v: &Vec<f64>| cvm_doubles { data: v.as_ptr(), len: v.len() };
    let none = cvm_doubles { data: ptr::null(), len: 0 };
    cvm_fit_columns { frequency: d(&c[0]), recency: d(&c[1]), t: d(&c[2]), weights: none }
}

fn numeric(n: usize, name: &str, v: &[f64]) -> *mut cvm_covariates {
    let mut h = ptr::null_mut();
    assert_eq!(unsafe { cvm_covariates_new(n, &mut h) }, OK);
    let name = CString::new(name).unwrap();
    assert_eq!(unsafe { cvm_covariates_add_numeric(h, name.as_ptr(), v.as_ptr(), v.len()) }, OK);
    h
}

fn fit(
    kind: u32, c: &[Vec<f64>; 4], pc: *const cvm_process_covariates,
) -> (cvm_status, *mut cvm_covariate_model) {
    let mut m = ptr::null_mut();
    let s = unsafe { cvm_covariate_model_fit(kind, &cols(c), pc, ptr::null(), &mut m) };
    (s, m)
}

fn params(m: *const cvm_covariate_model) -> Vec<f64> {
    let mut p = vec![0.0; unsafe { cvm_covariate_model_param_count(m) }];
    assert_eq!(unsafe { cvm_covariate_model_params(m, p.as_mut_ptr(), p.len()) }, OK);
    p
}

/// P(alive) (`horizon` None) or the expected purchases over `horizon` of the customers
/// `[frequency, recency, T]` into `out`.
fn predict(
    m: *const cvm_covariate_model, horizon: Option<f64>, c: [&[f64]; 3],
    pc: &cvm_process_covariates, out: &mut [f64],
) -> cvm_status {
    let k = c[0].len();
    let (f, r, t, o) = (c[0].as_ptr(), c[1].as_ptr(), c[2].as_ptr(), out.as_mut_ptr());
    match horizon {
        None => unsafe { cvm_covariate_model_probability_alive(m, f, k, r, k, t, k, pc, o, k) },
        Some(h) => unsafe {
            cvm_covariate_model_conditional_expected_purchases(m, h, f, k, r, k, t, k, pc, o, k)
        },
    }
}

fn plain(p: &[f64]) -> *mut cvm_model {
    let mut m = ptr::null_mut();
    let s = unsafe { cvm_model_from_params(c"pareto_nbd".as_ptr(), p.as_ptr(), 4, &mut m) };
    assert_eq!(s, OK);
    m
}

#[test]
fn without_columns_the_fit_is_the_plain_fit() {
    let c = cohort(2000);
    let (s, m) = fit(CVM_MODEL_PARETO_NBD, &c, ptr::null());
    assert_eq!(s, OK, "{}", message());
    let mut pm = ptr::null_mut();
    assert_eq!(
        unsafe { cvm_model_fit(c"pareto_nbd".as_ptr(), &cols(&c), ptr::null(), &mut pm) },
        OK
    );
    let mut q = [0.0; 4];
    assert_eq!(unsafe { cvm_model_params(pm, q.as_mut_ptr(), 4) }, OK);
    let p = params(m);
    assert_eq!(p.len(), 4);
    for k in 0..4 {
        assert!((p[k] - q[k]).abs() <= 1e-10 * q[k].abs(), "{k}: {} vs {}", p[k], q[k]);
    }
    let (mut d, mut e) = (zero_diagnostics(), zero_diagnostics());
    assert_eq!(unsafe { cvm_covariate_model_diagnostics(m, &mut d) }, OK);
    assert_eq!(unsafe { cvm_model_diagnostics(pm, &mut e) }, OK);
    assert!((d.log_likelihood - e.log_likelihood).abs() <= 1e-10 * e.log_likelihood.abs());
    unsafe {
        cvm_covariate_model_free(m);
        cvm_model_free(pm);
    }
}

fn zero_diagnostics() -> cvm_fit_diagnostics {
    cvm_fit_diagnostics {
        log_likelihood: 0.0,
        aic: 0.0,
        bic: 0.0,
        iterations: 0,
        gradient_norm: 0.0,
        converged: false,
        n_obs: 0.0,
    }
}

#[test]
fn fit_predictions_json_and_test_equal_the_core_and_the_plain_model() {
    let c = cohort(4000);
    let n = c[0].len();
    let z = numeric(n, "vip", &c[3]);
    let pc = cvm_process_covariates { transaction: z, lifetime: z, spend: ptr::null() };
    let (s, m) = fit(CVM_MODEL_PARETO_NBD, &c, &pc);
    assert_eq!(s, OK, "{}", message());
    // The core's fit on the same inputs, bit for bit.
    let zc = cvm_core::models::covariates::Covariates::new(&["vip"], &c[3]).unwrap();
    let core_cov = cvm_core::models::covariates::ProcessCovariates::default()
        .with_transaction(zc.clone())
        .with_lifetime(zc);
    let core = cvm_core::models::covariates::fit(
        cvm_core::models::ModelKind::ParetoNbd,
        &c[0],
        &c[1],
        &c[2],
        &core_cov,
        &Default::default(),
    )
    .unwrap();
    let p = params(m);
    assert_eq!(p, core.params());
    let names: Vec<String> = (0..p.len())
        .map(|i| unsafe { CStr::from_ptr(cvm_covariate_model_param_name(m, i)) })
        .map(|s| s.to_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["r", "alpha", "s", "beta", "trans_vip", "life_vip"]);
    assert!(unsafe { cvm_covariate_model_param_name(m, 6) }.is_null());
    assert_eq!(unsafe { cvm_covariate_model_base_count(m) }, 4);
    let kind = unsafe { CStr::from_ptr(cvm_covariate_model_kind(m)) };
    assert_eq!(kind, c"pareto_nbd");
    // Standard errors and intervals; the effects within 4 standard errors of the truth.
    let mut se = vec![0.0; 6];
    assert_eq!(unsafe { cvm_covariate_model_standard_errors(m, se.as_mut_ptr(), 6) }, OK);
    assert_eq!(se, core.standard_errors().unwrap());
    assert!((p[4] - 0.7).abs() < 4.0 * se[4] && (p[5] + 0.5).abs() < 4.0 * se[5], "{p:?}");
    let (mut lo, mut hi) = (vec![0.0; 6], vec![0.0; 6]);
    let st = unsafe {
        cvm_covariate_model_confidence_intervals(m, 0.95, lo.as_mut_ptr(), hi.as_mut_ptr(), 6)
    };
    assert_eq!(st, OK);
    assert!((hi[4] - lo[4] - 2.0 * 1.959963984540054 * se[4]).abs() < 1e-9);
    let mut cov = vec![0.0; 36];
    assert_eq!(unsafe { cvm_covariate_model_log_covariance(m, cov.as_mut_ptr(), 36) }, OK);
    assert!((cov[4 * 6 + 4].sqrt() - se[4]).abs() < 1e-15);
    // The likelihood-ratio test rejects the plain model.
    let mut t = cvm_likelihood_ratio_test {
        statistic: 0.0,
        df: 0,
        p_value: 1.0,
        plain_log_likelihood: 0.0,
    };
    assert_eq!(unsafe { cvm_covariate_model_likelihood_ratio_test(m, &mut t) }, OK);
    let ct = core.likelihood_ratio_test();
    assert_eq!((t.statistic, t.df, t.p_value), (ct.statistic, 2, ct.p_value));
    assert!(t.p_value < 1e-6 && t.plain_log_likelihood == core.plain_log_likelihood());

    // P(alive) of each customer equals the plain model's at that customer's parameters.
    let k = 50;
    let mut alive = vec![0.0; k];
    let mut zk = c[3][..k].to_vec();
    zk[1] = 0.0;
    zk[2] = 1.0;
    let zh = numeric(k, "vip", &zk);
    let pk = cvm_process_covariates { transaction: zh, lifetime: zh, spend: ptr::null() };
    let st = predict(m, None, [&c[0][..k], &c[1][..k], &c[2][..k]], &pk, &mut alive);
    assert_eq!(st, OK);
    let mut cp = vec![0.0; 4 * k];
    let st = unsafe { cvm_covariate_model_customer_params(m, k, &pk, cp.as_mut_ptr(), 4 * k) };
    assert_eq!(st, OK);
    for i in 0..k {
        let pm = plain(&cp[4 * i..4 * i + 4]);
        let mut a = [0.0];
        let st = unsafe {
            cvm_model_probability_alive(
                pm,
                &c[0][i],
                1,
                &c[1][i],
                1,
                &c[2][i],
                1,
                a.as_mut_ptr(),
                1,
            )
        };
        assert_eq!(st, OK);
        assert!((alive[i] - a[0]).abs() <= 1e-12, "{i}: {} vs {}", alive[i], a[0]);
        if zk[i] == 0.0 {
            // all-zero covariates: the plain model at the base parameters
            assert_eq!(&cp[4 * i..4 * i + 4], &p[..4]);
        }
        unsafe { cvm_model_free(pm) };
    }

    // The JSON document reads back to the same model.
    let mut json: *mut c_char = ptr::null_mut();
    assert_eq!(unsafe { cvm_covariate_model_to_json(m, &mut json) }, OK);
    let mut back = ptr::null_mut();
    assert_eq!(unsafe { cvm_covariate_model_from_json(json, &mut back) }, OK);
    assert_eq!(unsafe { &(*back).model }, unsafe { &(*m).model });
    unsafe {
        crate::models::cvm_string_free(json);
        cvm_covariate_model_free(back);
        cvm_covariate_model_free(m);
        cvm_covariates_free(z);
        cvm_covariates_free(zh);
    }
}

#[test]
fn errors_name_their_argument() {
    let c = cohort(400);
    let n = c[0].len();
    // A constant column is not identifiable, naming it.
    let z = numeric(n, "flat", &vec![1.0; n]);
    let pc = cvm_process_covariates { transaction: z, lifetime: ptr::null(), spend: ptr::null() };
    let (s, m) = fit(CVM_MODEL_BG_NBD, &c, &pc);
    assert_eq!(s, cvm_status::CVM_STATUS_NOT_IDENTIFIED);
    assert!(m.is_null() && message().contains("`flat`"), "{}", message());
    // A bad kind code lists the valid ones.
    let (s, _) = fit(7, &c, &pc);
    assert_eq!((s, field().as_str()), (cvm_status::CVM_STATUS_UNKNOWN_NAME, "kind"));
    assert!(message().contains("CVM_MODEL_BG_BB (3)"), "{}", message());
    // Rows that are not the customers.
    let short = numeric(n - 1, "vip", &c[3][..n - 1]);
    let pc =
        cvm_process_covariates { transaction: ptr::null(), lifetime: short, spend: ptr::null() };
    let (s, _) = fit(CVM_MODEL_PARETO_NBD, &c, &pc);
    assert_eq!((s, field().as_str()), (cvm_status::CVM_STATUS_LENGTH_MISMATCH, "life_covariates"));
    // NULLs.
    let mut out = ptr::null_mut();
    let s = unsafe {
        cvm_covariate_model_fit(CVM_MODEL_BG_NBD, ptr::null(), ptr::null(), ptr::null(), &mut out)
    };
    assert_eq!((s, field().as_str()), (cvm_status::CVM_STATUS_NULL_POINTER, "columns"));
    let s = unsafe { cvm_covariates_add_numeric(ptr::null_mut(), c"x".as_ptr(), ptr::null(), 0) };
    assert_eq!((s, field().as_str()), (cvm_status::CVM_STATUS_NULL_POINTER, "covariates"));
    let mut p = [0.0; 4];
    let s = unsafe { cvm_covariate_model_params(ptr::null(), p.as_mut_ptr(), 4) };
    assert_eq!((s, field().as_str()), (cvm_status::CVM_STATUS_NULL_POINTER, "model"));
    // Adding columns: wrong length, non-finite value, repeated name; the handle is unchanged.
    let mut v = vec![0.0; n];
    v[2] = f64::NAN;
    let s = unsafe { cvm_covariates_add_numeric(z, c"age".as_ptr(), v.as_ptr(), n) };
    assert_eq!((s, field().as_str()), (cvm_status::CVM_STATUS_INVALID_VALUE, "age"));
    assert_eq!(cvm_last_error_index(), 2);
    let s = unsafe { cvm_covariates_add_numeric(z, c"age".as_ptr(), v.as_ptr(), 2) };
    assert_eq!((s, field().as_str()), (cvm_status::CVM_STATUS_LENGTH_MISMATCH, "age"));
    let s = unsafe { cvm_covariates_add_numeric(z, c"flat".as_ptr(), c[3].as_ptr(), n) };
    assert_eq!((s, field().as_str()), (cvm_status::CVM_STATUS_INVALID_VALUE, "name"));
    assert_eq!(unsafe { cvm_covariates_n_columns(z) }, 1);
    // Weights are refused; a penalizer in the fit options is refused.
    let w = vec![1.0; n];
    let mut cw = cols(&c);
    cw.weights = cvm_doubles { data: w.as_ptr(), len: n };
    let s = unsafe {
        cvm_covariate_model_fit(CVM_MODEL_BG_NBD, &cw, ptr::null(), ptr::null(), &mut out)
    };
    assert_eq!((s, field().as_str()), (cvm_status::CVM_STATUS_INVALID_VALUE, "weights"));
    let mut o = cvm_covariate_options_default();
    o.fit.penalizer = 0.1;
    let s =
        unsafe { cvm_covariate_model_fit(CVM_MODEL_BG_NBD, &cols(&c), ptr::null(), &o, &mut out) };
    assert_eq!((s, field().as_str()), (cvm_status::CVM_STATUS_INVALID_VALUE, "penalizer"));
    // A matrix with a NaN names its column and row.
    let names = [c"a".as_ptr(), c"b".as_ptr()];
    let vals = [1.0, 2.0, 3.0, f64::INFINITY];
    let mut h = ptr::null_mut();
    let s = unsafe { cvm_covariates_from_matrix(vals.as_ptr(), 4, names.as_ptr(), 2, &mut h) };
    assert_eq!(
        (s, field().as_str(), cvm_last_error_index()),
        (cvm_status::CVM_STATUS_INVALID_VALUE, "b", 1)
    );
    unsafe {
        cvm_covariates_free(z);
        cvm_covariates_free(short);
    }
}

#[test]
fn prediction_needs_the_models_columns_and_shared_columns_work() {
    let c = cohort(1000);
    let n = c[0].len();
    let names = [c"vip".as_ptr(), c"noise".as_ptr()];
    let mut vals = Vec::with_capacity(2 * n);
    for i in 0..n {
        vals.extend([c[3][i], ((i * 7919) % 13) as f64 / 13.0]);
    }
    let mut z = ptr::null_mut();
    assert_eq!(
        unsafe { cvm_covariates_from_matrix(vals.as_ptr(), 2 * n, names.as_ptr(), 2, &mut z) },
        OK
    );
    assert_eq!(unsafe { (cvm_covariates_n_rows(z), cvm_covariates_n_columns(z)) }, (n, 2));
    let shared = [c"vip".as_ptr()];
    let mut o = cvm_covariate_options_default();
    o.shared = cvm_strings { data: shared.as_ptr(), len: 1 };
    o.l2 = 0.001;
    let pc = cvm_process_covariates { transaction: z, lifetime: z, spend: ptr::null() };
    let mut m = ptr::null_mut();
    let s = unsafe { cvm_covariate_model_fit(CVM_MODEL_BG_NBD, &cols(&c), &pc, &o, &mut m) };
    assert_eq!(s, OK, "{}", message());
    let name = |i| unsafe { CStr::from_ptr(cvm_covariate_model_param_name(m, i)) };
    let all: Vec<&CStr> = (0..unsafe { cvm_covariate_model_param_count(m) }).map(name).collect();
    assert!(all.contains(&c"shared_vip") && all.contains(&c"trans_noise"), "{all:?}");
    assert_eq!(all.len(), 7); // trans_noise, life_noise, shared_vip
    assert_eq!(unsafe { cvm_covariate_model_l2(m) }, 0.001);
    // Predicting without the lifetime covariates names them.
    let only = cvm_process_covariates { transaction: z, lifetime: ptr::null(), spend: ptr::null() };
    let mut out = vec![0.0; n];
    let st = predict(m, Some(10.0), [&c[0][..n], &c[1][..n], &c[2][..n]], &only, &mut out);
    assert_eq!((st, field().as_str()), (cvm_status::CVM_STATUS_INVALID_VALUE, "life_covariates"));
    // Intervals bracket the predictions; P(n) per row is in [0, 1].
    let (mut lo, mut hi) = (vec![0.0; n], vec![0.0; n]);
    let st = unsafe {
        cvm_covariate_model_prediction_interval(
            m,
            1,
            10.0,
            c[0].as_ptr(),
            n,
            c[1].as_ptr(),
            n,
            c[2].as_ptr(),
            n,
            &pc,
            0.9,
            lo.as_mut_ptr(),
            hi.as_mut_ptr(),
            n,
        )
    };
    assert_eq!(st, OK, "{}", message());
    let st = predict(m, Some(10.0), [&c[0][..n], &c[1][..n], &c[2][..n]], &pc, &mut out);
    assert_eq!(st, OK);
    assert!((0..n).all(|i| lo[i] <= out[i] && out[i] <= hi[i]));
    let st = unsafe {
        cvm_covariate_model_probability_of_n_purchases(m, 2, 10.0, &pc, out.as_mut_ptr(), n)
    };
    assert_eq!(st, OK);
    assert!(out.iter().all(|p| (0.0..=1.0).contains(p)));
    unsafe {
        cvm_covariate_model_free(m);
        cvm_covariates_free(z);
    }
}

#[test]
fn spend_fit_and_its_errors() {
    let n = 600;
    let f: Vec<f64> = (0..n).map(|i| (i % 5) as f64).collect();
    let z: Vec<f64> = (0..n).map(|i| (i % 2) as f64).collect();
    let mv: Vec<f64> = (0..n).map(|i| 20.0 + 7.0 * ((i * 31) % 11) as f64 + 15.0 * z[i]).collect();
    let h = numeric(n, "card", &z);
    let mut m = ptr::null_mut();
    let st = unsafe {
        cvm_covariate_model_fit_spend(f.as_ptr(), n, mv.as_ptr(), n, h, ptr::null(), &mut m)
    };
    assert_eq!(st, OK, "{}", message());
    assert_eq!(unsafe { CStr::from_ptr(cvm_covariate_model_kind(m)) }, c"gamma_gamma");
    assert_eq!(unsafe { cvm_covariate_model_base_count(m) }, 3);
    assert_eq!(unsafe { CStr::from_ptr(cvm_covariate_model_param_name(m, 3)) }, c"spend_card");
    // The core's fit on the same inputs, bit for bit; the effect is clear.
    let zc = cvm_core::models::covariates::Covariates::new(&["card"], &z).unwrap();
    let cov = cvm_core::models::covariates::ProcessCovariates::default().with_spend(zc);
    let core = cvm_core::models::covariates::fit_spend(&f, &mv, &cov, &Default::default()).unwrap();
    assert_eq!(params(m), core.params());
    let se = core.standard_errors().unwrap();
    assert!(
        core.params()[3] > 4.0 * se[3],
        "card holders spend more: {:?} ± {se:?}",
        core.params()
    );
    // Expected spend per customer: the core's.
    let pc = cvm_process_covariates { transaction: ptr::null(), lifetime: ptr::null(), spend: h };
    let mut es = vec![0.0; n];
    let (no, e) = (ptr::null_mut(), es.as_mut_ptr());
    let st = unsafe {
        cvm_covariate_model_expected_average_spend(
            m,
            f.as_ptr(),
            n,
            mv.as_ptr(),
            n,
            &pc,
            0.0,
            e,
            no,
            no,
            n,
        )
    };
    assert_eq!(st, OK, "{}", message());
    assert_eq!(es, core.conditional_expected_average_spend(&f, &mv, &cov).unwrap());
    // A spend model has no transaction predictions.
    let mut out = vec![0.0; n];
    let st = predict(m, None, [&f[..n], &f[..n], &f[..n]], &pc, &mut out);
    assert_eq!((st, field().as_str()), (cvm_status::CVM_STATUS_INVALID_VALUE, "model"));
    unsafe {
        cvm_covariate_model_free(m);
        cvm_covariates_free(h);
    }
}

#[test]
fn categorical_columns_levels_and_unseen_levels() {
    let c = cohort(1200);
    let n = c[0].len();
    let channels = [c"email".as_ptr(), c"store".as_ptr(), c"web".as_ptr()];
    let labels: Vec<*const c_char> = (0..n).map(|i| channels[(i * 7) % 3]).collect();
    let mut z = ptr::null_mut();
    assert_eq!(unsafe { cvm_covariates_new(n, &mut z) }, OK);
    let st = unsafe {
        cvm_covariates_add_categorical(z, c"channel".as_ptr(), labels.as_ptr(), n, c"web".as_ptr())
    };
    assert_eq!(st, OK, "{}", message());
    let pc = cvm_process_covariates { transaction: z, lifetime: ptr::null(), spend: ptr::null() };
    let (s, m) = fit(CVM_MODEL_BG_NBD, &c, &pc);
    assert_eq!(s, OK, "{}", message());
    let name = |i| unsafe { CStr::from_ptr(cvm_covariate_model_param_name(m, i)) };
    assert_eq!((name(4), name(5)), (c"trans_channel[email]", c"trans_channel[store]"));
    // The same column from codes gives the same model.
    let codes: Vec<i64> = (0..n).map(|i| ((i * 7) % 3) as i64).collect();
    let mut zc = ptr::null_mut();
    assert_eq!(unsafe { cvm_covariates_new(n, &mut zc) }, OK);
    let st = unsafe {
        cvm_covariates_add_categorical_codes(
            zc,
            c"channel".as_ptr(),
            codes.as_ptr(),
            n,
            channels.as_ptr(),
            3,
            c"web".as_ptr(),
        )
    };
    assert_eq!(st, OK, "{}", message());
    let pcc = cvm_process_covariates { transaction: zc, lifetime: ptr::null(), spend: ptr::null() };
    let (s, mc) = fit(CVM_MODEL_BG_NBD, &c, &pcc);
    assert_eq!(s, OK);
    assert_eq!(params(m), params(mc));
    // An unseen level at prediction names the column, the row and the level.
    let new = [c"web".as_ptr(), c"fax".as_ptr()];
    let mut zn = ptr::null_mut();
    assert_eq!(unsafe { cvm_covariates_new(2, &mut zn) }, OK);
    let st = unsafe {
        cvm_covariates_add_categorical(zn, c"channel".as_ptr(), new.as_ptr(), 2, ptr::null())
    };
    assert_eq!(st, OK);
    let pn = cvm_process_covariates { transaction: zn, lifetime: ptr::null(), spend: ptr::null() };
    let mut out = [0.0; 2];
    let st = predict(m, None, [&c[0][..2], &c[1][..2], &c[2][..2]], &pn, &mut out);
    assert_eq!(st, cvm_status::CVM_STATUS_INVALID_VALUE);
    assert_eq!(cvm_last_error_index(), 1, "{}", message());
    assert!(message().contains("channel") && message().contains("fax"), "{}", message());
    // A NULL label is a missing value (column and row); a reference that is not a label.
    let bad = [c"web".as_ptr(), ptr::null()];
    let st =
        unsafe { cvm_covariates_add_categorical(zn, c"c2".as_ptr(), bad.as_ptr(), 2, ptr::null()) };
    assert_eq!(
        (st, field().as_str(), cvm_last_error_index()),
        (cvm_status::CVM_STATUS_INVALID_VALUE, "c2", 1)
    );
    let st = unsafe {
        cvm_covariates_add_categorical(zn, c"c3".as_ptr(), new.as_ptr(), 2, c"post".as_ptr())
    };
    assert_eq!((st, field().as_str()), (cvm_status::CVM_STATUS_INVALID_VALUE, "c3"));
    let neg = [0i64, -1];
    let st = unsafe {
        cvm_covariates_add_categorical_codes(
            zn,
            c"c4".as_ptr(),
            neg.as_ptr(),
            2,
            new.as_ptr(),
            2,
            ptr::null(),
        )
    };
    assert_eq!(
        (st, field().as_str(), cvm_last_error_index()),
        (cvm_status::CVM_STATUS_INVALID_VALUE, "c4", 1)
    );
    assert_eq!(unsafe { cvm_covariates_n_columns(zn) }, 1);
    unsafe {
        cvm_covariate_model_free(m);
        cvm_covariate_model_free(mc);
        for h in [z, zc, zn] {
            cvm_covariates_free(h);
        }
    }
}

#[test]
fn clv_with_covariate_and_plain_sides_equals_the_cores() {
    use crate::lifetime2::{
        cvm_clv_customers, cvm_clv_options_default, cvm_clv_outputs, cvm_gamma_gamma,
        cvm_gamma_gamma_fit, cvm_gamma_gamma_free,
    };
    use cvm_core::clv::covariates::{customer_lifetime_value, SpendSide, TransactionSide};
    let c = cohort(1000);
    let n = c[0].len();
    let z = numeric(n, "vip", &c[3]);
    let pc = cvm_process_covariates { transaction: z, lifetime: z, spend: z };
    let fit_pc = cvm_process_covariates { transaction: z, lifetime: z, spend: ptr::null() };
    let (s, m) = fit(CVM_MODEL_PARETO_NBD, &c, &fit_pc);
    assert_eq!(s, OK);
    // Spend simulated from the Gamma-Gamma, the VIPs' scale e^0.3 times the others'.
    let mut mv = vec![0.0; n];
    for (vip, seed) in [(0.0f64, 3), (1.0, 4)] {
        let p = GammaGammaParams::new(6.0, 4.0, 15.0 * (0.3 * vip).exp()).unwrap();
        let f: Vec<f64> = c[0].iter().map(|x| x.max(1.0)).collect();
        let sim = GammaGamma::from_params(p).unwrap().simulate(&f, seed).unwrap();
        for i in 0..n {
            if c[3][i] == vip && c[0][i] > 0.0 {
                mv[i] = sim[i];
            }
        }
    }
    let h = numeric(n, "vip", &c[3]);
    let mut g = ptr::null_mut();
    let st = unsafe {
        cvm_covariate_model_fit_spend(c[0].as_ptr(), n, mv.as_ptr(), n, h, ptr::null(), &mut g)
    };
    assert_eq!(st, OK, "{}", message());
    let mut gg: *mut cvm_gamma_gamma = ptr::null_mut();
    let st = unsafe {
        cvm_gamma_gamma_fit(c[0].as_ptr(), n, mv.as_ptr(), n, ptr::null(), 0, ptr::null(), &mut gg)
    };
    assert_eq!(st, OK);
    let d = |v: &Vec<f64>| cvm_doubles { data: v.as_ptr(), len: v.len() };
    let cust = cvm_clv_customers {
        frequency: d(&c[0]),
        recency: d(&c[1]),
        t: d(&c[2]),
        monetary_value: d(&mv),
    };
    let mut o = cvm_clv_options_default();
    o.data_time_unit = crate::summary::CVM_UNIT_WEEK;
    o.interval_level = 0.9;
    let (mut v, mut lo, mut hi) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let out = cvm_clv_outputs {
        clv: v.as_mut_ptr(),
        discounted_purchases: ptr::null_mut(),
        expected_spend: ptr::null_mut(),
        lower: lo.as_mut_ptr(),
        upper: hi.as_mut_ptr(),
        n,
    };
    let zc = cvm_core::models::covariates::Covariates::new(&["vip"], &c[3]).unwrap();
    let core_cov = cvm_core::models::covariates::ProcessCovariates::default()
        .with_transaction(zc.clone())
        .with_lifetime(zc.clone())
        .with_spend(zc);
    let co = cvm_core::clv::ClvOptions::default()
        .with_data_time_unit(cvm_core::TimeUnit::Week)
        .with_interval_level(0.9);
    let tm = unsafe { &(*m).model };
    // Covariates on both sides, then a plain spend side.
    for plain_spend in [false, true] {
        let sides = cvm_clv_sides {
            transaction: m,
            plain_transaction: ptr::null(),
            spend: if plain_spend { ptr::null() } else { g },
            plain_spend: if plain_spend { gg } else { ptr::null() },
        };
        let st = unsafe { cvm_covariate_clv(&sides, &cust, &pc, &o, &out) };
        assert_eq!(st, OK, "{}", message());
        let spend = if plain_spend {
            SpendSide::Plain(unsafe { &(*gg).0 })
        } else {
            SpendSide::Covariates(unsafe { &(*g).model })
        };
        let r = customer_lifetime_value(
            TransactionSide::Covariates(tm),
            spend,
            &c[0],
            &c[1],
            &c[2],
            &mv,
            &core_cov,
            &co,
        )
        .unwrap();
        assert_eq!(v, r.value);
        assert_eq!(Some(&lo), r.lower.as_ref());
        assert!((0..n).all(|i| lo[i] <= v[i] && v[i] <= hi[i]));
    }
    // A side given twice, or a spend model as the transaction side.
    let both =
        cvm_clv_sides { transaction: m, plain_transaction: ptr::null(), spend: g, plain_spend: gg };
    let st = unsafe { cvm_covariate_clv(&both, &cust, &pc, &o, &out) };
    assert_eq!((st, field().as_str()), (cvm_status::CVM_STATUS_INVALID_VALUE, "spend"));
    let swapped = cvm_clv_sides {
        transaction: g,
        plain_transaction: ptr::null(),
        spend: g,
        plain_spend: ptr::null(),
    };
    let st = unsafe { cvm_covariate_clv(&swapped, &cust, &pc, &o, &out) };
    assert_eq!((st, field().as_str()), (cvm_status::CVM_STATUS_INVALID_VALUE, "transaction"));
    unsafe {
        cvm_covariate_model_free(m);
        cvm_covariate_model_free(g);
        cvm_gamma_gamma_free(gg);
        cvm_covariates_free(z);
        cvm_covariates_free(h);
    }
}
