//! Every operation the wasm face performs on a JavaScript value it was given. Reading a value can run
//! the caller's code (a getter, a Proxy trap, an iterator, a `then`), and an exception thrown through
//! an import that is not declared `catch` unwinds straight through the wasm frames: destructors do not
//! run, and borrows and the allocator are left half-updated. So each operation here goes through a
//! `catch` import and a throw comes back as `Err(thrown value)`. The js-sys functions that are not
//! `catch` (`Object.keys`, `Object.entries`, `Array.isArray`, `Array.from`, iterator steps, typed
//! array lengths) are used only on objects this module made itself.

use js_sys::{Array, Function, Promise, Reflect, Symbol, Uint8Array};
use wasm_bindgen::prelude::*;

/// The thrown value, or a description where nothing was thrown but the value was unusable.
pub type Thrown = JsValue;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(value: &JsValue) -> Result<Array, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    fn object_entries(value: &JsValue) -> Result<Array, JsValue>;

    /// Throws for a revoked Proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn array_is_array(value: &JsValue) -> Result<bool, JsValue>;

    /// A `Uint8Array` made here, with `Uint8Array` as its constructor whatever the source's class.
    #[wasm_bindgen(extends = Uint8Array, js_name = Uint8Array)]
    type OwnBytes;

    #[wasm_bindgen(catch, constructor, js_class = "Uint8Array")]
    fn new(source: &JsValue) -> Result<OwnBytes, JsValue>;
}

/// `target[key]`. Throws (and so fails) for a non-object target, a revoked Proxy or a throwing getter.
/// The keys are the library's own names, made into JavaScript strings once ([`known_string`]).
pub fn get(target: &JsValue, key: &'static str) -> Result<JsValue, Thrown> {
    Reflect::get(target, &known_string(key))
}

/// `target[key]` for any property key (an index, a symbol).
pub fn get_key(target: &JsValue, key: &JsValue) -> Result<JsValue, Thrown> {
    Reflect::get(target, key)
}

/// `Array.isArray(value)`.
pub fn is_array(value: &JsValue) -> Result<bool, Thrown> {
    array_is_array(value)
}

/// `Object.keys(value)`: the own enumerable string keys.
pub fn keys(value: &JsValue) -> Result<Vec<JsValue>, Thrown> {
    // The array Object.keys returns is a new plain array: reading it runs no caller code.
    Ok(object_keys(value)?.to_vec())
}

/// `Object.entries(value)`: the own enumerable `[key, value]` pairs, each value read once.
pub fn entries(value: &JsValue) -> Result<Vec<JsValue>, Thrown> {
    Ok(object_entries(value)?.to_vec())
}

/// The values `for (const v of iterable)` would see, at most `max` of them: an endless iterator is
/// refused, not followed.
pub fn items(iterable: &JsValue, max: usize) -> Result<Vec<JsValue>, Thrown> {
    let start = Reflect::get(iterable, &Symbol::iterator())?;
    let iterator = function(start, "is not iterable")?.call0(iterable)?;
    let next = function(get(&iterator, "next")?, "has an iterator without next()")?;
    let mut values = Vec::new();
    loop {
        let step = next.call0(&iterator)?;
        if !step.is_object() {
            return Err(JsValue::from_str("an iterator step is not an object"));
        }
        if get(&step, "done")?.is_truthy() {
            return Ok(values);
        }
        if values.len() == max {
            return Err(JsValue::from_str("too many items"));
        }
        values.push(get(&step, "value")?);
    }
}

fn function(value: JsValue, otherwise: &str) -> Result<Function, Thrown> {
    value
        .dyn_into::<Function>()
        .map_err(|_| JsValue::from_str(otherwise))
}

/// Calls `target[name]()`, which must be a function.
pub fn call_method(target: &JsValue, name: &'static str) -> Result<JsValue, Thrown> {
    function(get(target, name)?, "is not a function")?.call0(target)
}

/// A promise of this module's own that settles as `value` does. `JsFuture` calls `then` on the
/// promise it is given; on a caller's object that `then` (or a `constructor` getter that
/// `Promise.resolve` reads) is the caller's code, while here it runs inside a resolve function,
/// where whatever it throws becomes a rejection.
pub fn settled(value: &JsValue) -> Promise {
    Promise::new(&mut |resolve, _reject| {
        // A resolve function does not throw; the result is ignored for that reason.
        let _ = resolve.call1(&JsValue::UNDEFINED, value);
    })
}

/// `new Uint8Array(value)`: a copy of a typed array's own bytes (its internal length, not what a
/// `length` getter answers), or a view of an ArrayBuffer.
pub fn own_bytes(value: &JsValue) -> Result<Uint8Array, Thrown> {
    Ok(OwnBytes::new(value)?.unchecked_into())
}

/// The bytes of a `Uint8Array` made by `own_bytes`. Its `length` is the intrinsic one, and no caller
/// code runs between allocating the vector and copying into it, so the two agree; a caller's typed
/// array could answer one length to the first read and another to the second.
pub fn copy_own_bytes(own: &Uint8Array) -> Vec<u8> {
    let mut bytes = vec![0u8; own.length() as usize];
    own.copy_to(&mut bytes);
    bytes
}

/// How many distinct strings [`known_string`] keeps: the property names this module reads and a
/// request's, methods and the header names of every gateway, with room to spare.
const KNOWN_STRINGS: usize = 64;

thread_local! {
    static STRINGS: std::cell::RefCell<Vec<(String, JsValue)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `text` as a JavaScript string, made once for the few strings every request repeats (property
/// names, methods, header names): each string made from WebAssembly memory costs a UTF-8 decode and
/// a call out of WebAssembly, which in code gone cold after a wait is the larger part.
pub fn known_string(text: &str) -> JsValue {
    STRINGS.with(|strings| {
        let mut strings = strings.borrow_mut();
        if let Some((_, value)) = strings.iter().find(|(known, _)| known == text) {
            return value.clone();
        }
        let value = JsValue::from_str(text);
        if strings.len() < KNOWN_STRINGS {
            strings.push((text.to_string(), value.clone()));
        }
        value
    })
}
