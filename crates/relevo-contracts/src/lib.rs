//! scratch
#[cfg(test)]
mod tests {
    #[test]
    fn spans() {
        let text = "a = 1\n\n[[terms]]\nid = \"x\"\ntarget = 0.8\n\n[[terms]]\nid = \"y\"\n[terms.bonus]\nq = 1\n[cal.uk]\nhours = [{ days = [\"mon\"], blocks = [\"09:00-13:00\"] }]\n";
        let doc = toml::de::DeTable::parse(text).unwrap();
        fn walk(v: &toml::de::DeTable<'_>, text: &str, depth: usize) {
            for (k, val) in v.iter() {
                let ks = k.span();
                let vs = val.span();
                println!(
                    "{}{} key {:?} value {:?}",
                    " ".repeat(depth * 2),
                    k.get_ref(),
                    &text[ks.clone()],
                    &text[vs.clone()]
                );
                match val.get_ref() {
                    toml::de::DeValue::Table(t) => walk(t, text, depth + 1),
                    toml::de::DeValue::Array(a) => {
                        for it in a.iter() {
                            println!("{}item {:?}", " ".repeat(depth * 2 + 2), &text[it.span()]);
                            if let toml::de::DeValue::Table(t) = it.get_ref() {
                                walk(t, text, depth + 2)
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        walk(doc.get_ref(), text, 0);
    }
}
