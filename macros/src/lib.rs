//! The `#[corio::main]` and `#[corio::test]` attribute macros.
//!
//! Use them through the runtime crate (`#[corio::main]`, `#[corio::test]`); this crate is an
//! implementation detail of `corio` and is versioned with it.
//!
//! Both macros turn an `async fn` without arguments into an ordinary `fn` with the same name,
//! visibility, attributes and return type. The new function builds a corio runtime, drives the
//! original body to completion with `Runtime::block_on` on the calling thread, shuts the runtime
//! down and returns the body's output. `#[corio::test]` also marks the function `#[test]`.
//! Any `async fn` may carry the attribute, not only `main`.
//!
//! ```text
//! #[corio::main(worker_threads = 2)]
//! async fn run() -> u32 {
//!     40 + 2
//! }
//!
//! // expands to
//!
//! fn run() -> u32 {
//!     let body = async move { 40 + 2 };
//!     let runtime = ::corio::runtime::Builder::new_multi_thread()
//!         .worker_threads(2usize)
//!         .build()
//!         .expect("failed to build the corio runtime");
//!     runtime.block_on(body)
//! }
//! ```
//!
//! # Arguments
//!
//! | argument                    | meaning                                                      |
//! |-----------------------------|--------------------------------------------------------------|
//! | `flavor = "multi_thread"`   | the default: `Builder::new_multi_thread()`                   |
//! | `flavor = "current_thread"` | `Builder::new_current_thread()`, a runtime with one worker   |
//! | `worker_threads = N`        | `N >= 1` workers; only with the multi-thread flavor          |
//! | `crate = "path"`            | where to find corio when it is renamed (default `::corio`)   |
//!
//! # Differences from tokio
//!
//! - `flavor = "current_thread"` builds a corio runtime with exactly **one worker thread**. Tokio's
//!   current-thread runtime runs spawned tasks on the thread that called `block_on`; corio runs them
//!   on that worker thread instead, so a spawned task may run in parallel with the function's body,
//!   which `block_on` still drives on the calling thread.
//!   `Handle::current().metrics().num_workers()` reports 1.
//! - There is no `enable_all()`: corio's I/O and timer drivers are always on.
//! - Tokio's `start_paused` and `unhandled_panic` arguments do not exist.
//!
//! # Why the examples are not doctests
//!
//! The examples in this crate are marked `ignore`: corio depends on this crate, so this crate
//! cannot depend on corio, and a doctest here could not name the runtime it expands to. The runtime
//! crate's integration tests (`runtime/tests/macros_attr.rs`) compile and run them instead.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Error, ItemFn, LitInt, LitStr, Path};

/// Runs an `async fn` to completion on a new corio runtime.
///
/// The function keeps its name, visibility, attributes and return type and becomes synchronous.
/// It must take no arguments. See the [crate docs](crate) for the arguments.
///
/// # Examples
///
/// ```ignore
/// // Not a doctest: this crate cannot depend on corio (see the crate docs).
/// #[corio::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = corio::net::TcpListener::bind("127.0.0.1:0").await?;
///     println!("listening on {}", listener.local_addr()?);
///     Ok(())
/// }
///
/// // Any function name works; here one worker thread.
/// #[corio::main(flavor = "current_thread")]
/// async fn answer() -> u32 {
///     corio::spawn(async { 42 }).await.unwrap()
/// }
/// ```
///
/// # Panics
///
/// The generated function panics if the runtime cannot be built, and propagates a panic of the
/// body.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Main, args.into(), item.into()).into()
}

/// Runs an `async fn` as a `#[test]` on a new corio runtime.
///
/// Takes the same arguments as [`macro@main`]. Each test gets its own runtime.
///
/// # Examples
///
/// ```ignore
/// // Not a doctest: this crate cannot depend on corio (see the crate docs).
/// #[corio::test(worker_threads = 2)]
/// async fn sees_two_workers() {
///     let workers = corio::runtime::Handle::current().metrics().num_workers();
///     assert_eq!(workers, 2);
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Test, args.into(), item.into()).into()
}

/// Which attribute is being expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Main,
    Test,
}

impl Kind {
    /// The attribute as the user writes it, for error messages.
    fn name(self) -> &'static str {
        match self {
            Kind::Main => "#[corio::main]",
            Kind::Test => "#[corio::test]",
        }
    }
}

/// The runtime the generated function builds.
#[derive(Debug, PartialEq, Eq)]
enum Flavor {
    MultiThread,
    CurrentThread,
}

/// The parsed attribute arguments.
struct Config {
    flavor: Flavor,
    /// The worker count and the span of its literal.
    worker_threads: Option<(usize, Span)>,
    krate: Path,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            flavor: Flavor::MultiThread,
            worker_threads: None,
            krate: syn::parse_quote!(::corio),
        }
    }
}

/// Expands one attribute; errors become `compile_error!` invocations.
///
/// To keep follow-up errors away, a bad function is emitted unchanged next to the error, and bad
/// arguments still expand the function with the default arguments.
fn expand(kind: Kind, args: TokenStream2, item: TokenStream2) -> TokenStream2 {
    let func = match syn::parse2::<ItemFn>(item.clone()).and_then(|f| check_fn(kind, f)) {
        Ok(func) => func,
        Err(error) => {
            let mut out = error.into_compile_error();
            out.extend(item);
            return out;
        }
    };
    match parse_config(kind, args) {
        Ok(config) => generate(kind, &config, func),
        Err(error) => {
            let mut out = generate(kind, &Config::default(), func);
            out.extend(error.into_compile_error());
            out
        }
    }
}

/// Parses `flavor = "..."`, `worker_threads = N` and `crate = "..."`, in any order.
fn parse_config(kind: Kind, args: TokenStream2) -> syn::Result<Config> {
    let mut config = Config::default();
    let mut seen = Vec::new();
    let parser = syn::meta::parser(|meta| {
        let name = meta.path.to_token_stream().to_string().replace(' ', "");
        if seen.contains(&name) {
            return Err(meta.error(format!("`{name}` is given twice; keep one")));
        }
        if meta.path.is_ident("flavor") {
            let lit: LitStr = meta.value()?.parse()?;
            config.flavor = match lit.value().as_str() {
                "multi_thread" => Flavor::MultiThread,
                "current_thread" => Flavor::CurrentThread,
                other => {
                    let msg = format!(
                        "unknown flavor `{other}`; use \"multi_thread\" or \"current_thread\""
                    );
                    return Err(Error::new(lit.span(), msg));
                }
            };
        } else if meta.path.is_ident("worker_threads") {
            let lit: LitInt = meta.value()?.parse()?;
            let n: usize = lit.base10_parse()?;
            if n == 0 {
                let msg = "`worker_threads` must be at least 1; \
                           remove it to get the runtime's default";
                return Err(Error::new(lit.span(), msg));
            }
            config.worker_threads = Some((n, lit.span()));
        } else if meta.path.is_ident("crate") {
            let lit: LitStr = meta.value()?.parse()?;
            config.krate = lit.parse().map_err(|_| {
                Error::new(lit.span(), "`crate` must be a path, such as \"::corio\"")
            })?;
        } else {
            let msg = format!(
                "unknown argument `{name}` to {}; expected `flavor`, `worker_threads` or `crate`",
                kind.name()
            );
            return Err(Error::new_spanned(&meta.path, msg));
        }
        seen.push(name);
        Ok(())
    });
    syn::parse::Parser::parse2(parser, args)?;
    if let (Flavor::CurrentThread, Some((_, span))) = (&config.flavor, config.worker_threads) {
        let msg = "`worker_threads` cannot be used with `flavor = \"current_thread\"`, \
                   which always has one worker; remove `worker_threads` or use \"multi_thread\"";
        return Err(Error::new(span, msg));
    }
    Ok(config)
}

/// Rejects functions the macro cannot wrap.
fn check_fn(kind: Kind, func: ItemFn) -> syn::Result<ItemFn> {
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        let msg = format!(
            "{} applies to an `async fn`; add `async` before `fn`",
            kind.name()
        );
        return Err(Error::new(sig.fn_token.span, msg));
    }
    if !sig.inputs.is_empty() {
        let msg = format!(
            "{} functions take no arguments; remove them and create the values in the body",
            kind.name()
        );
        return Err(Error::new_spanned(&sig.inputs, msg));
    }
    if kind == Kind::Test {
        let test_attr = func.attrs.iter().find(|attr| {
            let last = attr.path().segments.last();
            last.is_some_and(|segment| segment.ident == "test")
        });
        if let Some(attr) = test_attr {
            let msg = "#[corio::test] already adds `#[test]`; remove this test attribute";
            return Err(Error::new_spanned(attr, msg));
        }
    }
    Ok(func)
}

/// Writes the synchronous function.
///
/// The function is edited in place rather than rebuilt, so that inner attributes such as
/// `#![allow(..)]` stay at the top of its body.
fn generate(kind: Kind, config: &Config, mut func: ItemFn) -> TokenStream2 {
    let krate = &config.krate;
    let builder = match config.flavor {
        Flavor::MultiThread => quote!(#krate::runtime::Builder::new_multi_thread()),
        Flavor::CurrentThread => quote!(#krate::runtime::Builder::new_current_thread()),
    };
    let worker_threads = config
        .worker_threads
        .as_ref()
        .map(|&(n, span)| quote_spanned!(span=> .worker_threads(#n)));
    let block = &func.block;
    // `block_on` carries the span of the body's last statement (or of its closing brace), so a
    // body whose value does not match the return type is reported there, in the user's code.
    let tail_span = block
        .stmts
        .last()
        .map_or(block.brace_token.span.close(), Spanned::span);
    let block_on = quote_spanned!(tail_span=> runtime.block_on(body));
    func.block = syn::parse_quote!({
        let body = async move #block;
        let runtime = #builder
            #worker_threads
            .build()
            .expect("failed to build the corio runtime");
        #block_on
    });
    func.sig.asyncness = None;
    if kind == Kind::Test {
        func.attrs
            .push(syn::parse_quote!(#[::core::prelude::v1::test]));
    }
    func.into_token_stream()
}

#[cfg(test)]
mod tests {
    // Not a glob import: the `test` macro above would shadow the prelude's `#[test]`.
    use super::{check_fn, expand, parse_config, Config, Flavor, ItemFn, Kind};
    use proc_macro2::TokenStream as TokenStream2;
    use quote::ToTokens;

    /// Parses the arguments of an attribute, as written between its parentheses.
    fn parse(kind: Kind, args: &str) -> syn::Result<Config> {
        parse_config(kind, args.parse().unwrap())
    }

    fn config_err(args: &str) -> String {
        match parse(Kind::Main, args) {
            Ok(_) => panic!("`{args}` was accepted"),
            Err(error) => error.to_string(),
        }
    }

    fn fn_err(kind: Kind, item: &str) -> String {
        let func = syn::parse_str::<ItemFn>(item).unwrap();
        match check_fn(kind, func) {
            Ok(_) => panic!("`{item}` was accepted"),
            Err(error) => error.to_string(),
        }
    }

    /// The expansion, printed the way `TokenStream` prints.
    fn expanded(kind: Kind, args: &str, item: &str) -> String {
        expand(kind, args.parse().unwrap(), item.parse().unwrap()).to_string()
    }

    /// `code` printed the same way, to compare with an expansion.
    fn tokens(code: &str) -> String {
        code.parse::<TokenStream2>().unwrap().to_string()
    }

    #[test]
    fn default_arguments() {
        let config = parse(Kind::Main, "").unwrap();
        assert_eq!(config.flavor, Flavor::MultiThread);
        assert!(config.worker_threads.is_none());
        assert_eq!(config.krate.to_token_stream().to_string(), ":: corio");
    }

    #[test]
    fn all_arguments_in_any_order() {
        let config = parse(
            Kind::Test,
            r#"crate = "my::corio", worker_threads = 3, flavor = "multi_thread","#,
        )
        .unwrap();
        assert_eq!(config.flavor, Flavor::MultiThread);
        assert_eq!(config.worker_threads.map(|(n, _)| n), Some(3));
        assert_eq!(config.krate.to_token_stream().to_string(), "my :: corio");
        let config = parse(Kind::Main, r#"flavor = "current_thread""#).unwrap();
        assert_eq!(config.flavor, Flavor::CurrentThread);
    }

    #[test]
    fn argument_errors_name_the_mistake_and_the_fix() {
        let cases = [
            ("worker_threads = 0", "`worker_threads` must be at least 1"),
            ("worker_threads = \"2\"", "expected integer literal"),
            (
                "flavor = \"current_thread\", worker_threads = 2",
                "`worker_threads` cannot be used with `flavor = \"current_thread\"`",
            ),
            (
                "worker_threads = 2, flavor = \"current_thread\"",
                "remove `worker_threads` or use \"multi_thread\"",
            ),
            (
                "flavor = \"single\"",
                "unknown flavor `single`; use \"multi_thread\"",
            ),
            ("flavor = multi_thread", "expected string literal"),
            (
                "flavor = \"multi_thread\", flavor = \"multi_thread\"",
                "given twice",
            ),
            ("worker_threads = 1, worker_threads = 1", "given twice"),
            ("crate = \"a\", crate = \"b\"", "given twice"),
            ("crate = \"not a path\"", "`crate` must be a path"),
            (
                "start_paused = true",
                "unknown argument `start_paused` to #[corio::main]; \
                 expected `flavor`, `worker_threads` or `crate`",
            ),
            ("flavor", "expected `=`"),
        ];
        for (args, expected) in cases {
            let message = config_err(args);
            assert!(message.contains(expected), "`{args}` gave `{message}`");
        }
    }

    #[test]
    fn function_errors_name_the_mistake_and_the_fix() {
        let message = fn_err(Kind::Main, "fn main() {}");
        assert_eq!(
            message,
            "#[corio::main] applies to an `async fn`; add `async` before `fn`"
        );
        let message = fn_err(Kind::Test, "async fn t(n: u32) {}");
        assert_eq!(
            message,
            "#[corio::test] functions take no arguments; \
             remove them and create the values in the body"
        );
        let message = fn_err(Kind::Test, "#[test] async fn t() {}");
        assert!(message.contains("already adds `#[test]`"), "{message}");
        // `#[test]` under #[corio::main] is the user's choice.
        let func = syn::parse_str::<ItemFn>("#[test] async fn t() {}").unwrap();
        assert!(check_fn(Kind::Main, func).is_ok());
    }

    #[test]
    fn main_expands_to_block_on() {
        let out = expanded(
            Kind::Main,
            "",
            "#[inline] pub(crate) async fn run() -> u32 { let x = 40; x + 2 }",
        );
        let expected = tokens(
            r#"#[inline] pub(crate) fn run() -> u32 {
                let body = async move { let x = 40; x + 2 };
                let runtime = ::corio::runtime::Builder::new_multi_thread()
                    .build()
                    .expect("failed to build the corio runtime");
                runtime.block_on(body)
            }"#,
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn test_expands_with_test_attribute_and_arguments() {
        let out = expanded(
            Kind::Test,
            r#"worker_threads = 2, crate = "::other""#,
            "async fn t() -> Result<(), E> { Ok(()) }",
        );
        let expected = tokens(
            r#"#[::core::prelude::v1::test] fn t() -> Result<(), E> {
                let body = async move { Ok(()) };
                let runtime = ::other::runtime::Builder::new_multi_thread()
                    .worker_threads(2usize)
                    .build()
                    .expect("failed to build the corio runtime");
                runtime.block_on(body)
            }"#,
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn current_thread_uses_its_builder() {
        let out = expanded(
            Kind::Test,
            r#"flavor = "current_thread""#,
            "async fn t() {}",
        );
        assert!(out.contains(&tokens("::corio::runtime::Builder::new_current_thread()")));
        assert!(!out.contains("worker_threads"));
    }

    #[test]
    fn inner_attributes_stay_inside_the_body() {
        let out = expanded(
            Kind::Test,
            "",
            "#[ignore] async fn t() { #![allow(unused)] let x = 1; }",
        );
        let expected = tokens(
            r#"#[ignore] #[::core::prelude::v1::test] fn t() {
                # ![allow(unused)] // `quote` prints `#` and `!` apart
                let body = async move { let x = 1; };
                let runtime = ::corio::runtime::Builder::new_multi_thread()
                    .build()
                    .expect("failed to build the corio runtime");
                runtime.block_on(body)
            }"#,
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn bad_function_is_emitted_unchanged_after_the_error() {
        let out = expanded(Kind::Main, "", "fn main() {}");
        let error = ":: core :: compile_error ! { \
                     \"#[corio::main] applies to an `async fn`; add `async` before `fn`\" }";
        assert_eq!(out, format!("{error} fn main () {{ }}"));
    }

    #[test]
    fn bad_arguments_still_expand_the_function() {
        let out = expanded(Kind::Main, "worker_threads = 0", "async fn main() {}");
        let expected = tokens(
            r#"fn main() {
                let body = async move {};
                let runtime = ::corio::runtime::Builder::new_multi_thread()
                    .build()
                    .expect("failed to build the corio runtime");
                runtime.block_on(body)
            }
            ::core::compile_error! {
                "`worker_threads` must be at least 1; remove it to get the runtime's default"
            }"#,
        );
        assert_eq!(out, expected);
    }
}
