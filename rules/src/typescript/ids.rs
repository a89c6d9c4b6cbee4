//! Node kind and field ids, looked up once per grammar: the hot paths compare `kind_id()`s and
//! call `child_by_field_id` instead of comparing kind strings and looking fields up by name.
//! The TypeScript and TSX grammars number their symbols differently, so each has its own table.

use std::num::NonZeroU16;
use std::sync::OnceLock;

use tree_sitter::Language;

use crate::syntax::flat::{Keep, Node};
use crate::syntax::treesitter::Grammar;

macro_rules! tables {
    (kinds { $($kind:ident $(= $name:literal)?),* $(,)? } fields { $($variant:ident = $field:literal),* $(,)? }) => {
        /// The ids of the node kinds and fields the front-end asks about.
        pub struct Ids {
            $(pub $kind: u16,)*
            fields: [Option<NonZeroU16>; Field::COUNT],
            /// Every kind's name, by id.
            names: Vec<Box<str>>,
            /// Every kind's [`class`] bits, by id.
            classes: Vec<u8>,
            /// What the flat copy keeps of each kind, by id ([`Ids::kept`]).
            kept: Vec<Keep>,
        }

        /// The fields the front-end asks about, looked up by id ([`FieldOf::field`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Field {
            $($variant,)*
        }

        impl Field {
            const COUNT: usize = [$(Field::$variant),*].len();
        }

        impl Ids {
            fn new(language: &Language) -> Ids {
                let mut ids = Ids {
                    $($kind: language.id_for_node_kind(kind_name!($kind $(= $name)?), true),)*
                    fields: [$(language.field_id_for_name($field)),*],
                    names: (0..language.node_kind_count())
                        .map(|id| u16::try_from(id).ok().and_then(|id| language.node_kind_for_id(id)).unwrap_or("").into())
                        .collect(),
                    classes: Vec::new(),
                    kept: Vec::new(),
                };
                ids.classes = (0..ids.names.len()).map(|kind| ids.classify(kind as u16)).collect();
                ids.kept = (0..ids.names.len())
                    .map(|kind| {
                        let punctuation = !language.node_kind_is_named(kind as u16)
                            && UNREAD_PUNCTUATION.contains(&&*ids.names[kind]);
                        if punctuation {
                            Keep::Nothing
                        } else if ids.is_inert(kind as u16) {
                            Keep::Node
                        } else {
                            Keep::All
                        }
                    })
                    .collect();
                ids
            }
        }
    };
}

/// A kind's name: the field's own, or the one given when that is a Rust keyword (`class`).
macro_rules! kind_name {
    ($kind:ident) => {
        stringify!($kind)
    };
    ($kind:ident = $name:literal) => {
        $name
    };
}

tables! {
    kinds {
        program, identifier, shorthand_property_identifier, property_identifier, comment,
        call_expression, new_expression, member_expression, assignment_expression,
        augmented_assignment_expression,
        parenthesized_expression, as_expression, satisfies_expression, non_null_expression,
        type_assertion, arrow_function, formal_parameters, function_expression, function_declaration,
        generator_function, generator_function_declaration, method_definition, statement_block,
        for_statement, for_in_statement, catch_clause, switch_body, variable_declarator,
        import_clause, namespace_import, import_specifier, class_declaration,
        abstract_class_declaration, class_expression = "class", return_statement,
        type_annotation, type_arguments, type_parameters, interface_declaration, type_alias_declaration,
        string, regex, jsx_text, jsx_closing_element, variable_declaration,
    }
    fields {
        Alias = "alias",
        Alternative = "alternative",
        Argument = "argument",
        Arguments = "arguments",
        Body = "body",
        Condition = "condition",
        Consequence = "consequence",
        Constructor = "constructor",
        Finalizer = "finalizer",
        Function = "function",
        Handler = "handler",
        Increment = "increment",
        Index = "index",
        Initializer = "initializer",
        Key = "key",
        Kind = "kind",
        Label = "label",
        Left = "left",
        Name = "name",
        Object = "object",
        Operator = "operator",
        Parameter = "parameter",
        Parameters = "parameters",
        Pattern = "pattern",
        Property = "property",
        Right = "right",
        Value = "value",
    }
}

/// Unnamed tokens that nothing in the front-end reads: it asks for children by field or among
/// the named ones, and reads operators and keywords, but never these. About a third of what
/// the flat copy of typical TypeScript would hold, left out of it. (The one field such a token
/// fills is the `;` after the condition of a `for (init; cond; step)`, in the `condition`
/// field after the expression, which is the child the field is asked for.)
const UNREAD_PUNCTUATION: &[&str] = &["(", ")", "[", "]", "{", "}", ";", ".", "=", "=>"];

static TYPESCRIPT: OnceLock<Ids> = OnceLock::new();
static TSX: OnceLock<Ids> = OnceLock::new();

impl Ids {
    /// The table of the grammar a node was parsed with.
    pub fn of(node: Node) -> &'static Ids {
        Ids::for_grammar(node.grammar())
    }

    pub fn for_grammar(grammar: Grammar) -> &'static Ids {
        match grammar {
            Grammar::Tsx => TSX.get_or_init(|| Ids::new(&tree_sitter_typescript::LANGUAGE_TSX.into())),
            _ => TYPESCRIPT.get_or_init(|| Ids::new(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into())),
        }
    }

    fn classify(&self, kind: u16) -> u8 {
        let is = |kinds: &[u16]| kinds.contains(&kind);
        let function = is(&[
            self.arrow_function,
            self.function_expression,
            self.function_declaration,
            self.generator_function,
            self.generator_function_declaration,
            self.method_definition,
        ]);
        let mut bits = 0;
        for (set, bit) in [
            (function, class::FUNCTION),
            (function || kind == self.program, class::FUNCTION_SCOPE),
            (
                function
                    || is(&[
                        self.program,
                        self.statement_block,
                        self.for_statement,
                        self.for_in_statement,
                        self.catch_clause,
                        self.switch_body,
                    ]),
                class::SCOPE,
            ),
            (
                is(&[
                    self.parenthesized_expression,
                    self.as_expression,
                    self.satisfies_expression,
                    self.non_null_expression,
                    self.type_assertion,
                ]),
                class::WRAPPER,
            ),
            (
                is(&[
                    self.type_annotation,
                    self.type_arguments,
                    self.type_parameters,
                    self.interface_declaration,
                    self.type_alias_declaration,
                    self.string,
                    self.regex,
                    self.comment,
                    self.jsx_text,
                    self.jsx_closing_element,
                ]),
                class::INERT,
            ),
            (
                is(&[
                    self.variable_declarator,
                    self.formal_parameters,
                    self.function_declaration,
                    self.generator_function_declaration,
                    self.import_clause,
                    self.namespace_import,
                    self.import_specifier,
                    self.catch_clause,
                    self.for_in_statement,
                    self.call_expression,
                    self.assignment_expression,
                    self.return_statement,
                    self.class_declaration,
                    self.class_expression,
                    self.abstract_class_declaration,
                ]),
                class::NOTED,
            ),
            (
                is(&[
                    self.variable_declarator,
                    self.import_clause,
                    self.namespace_import,
                    self.formal_parameters,
                    self.return_statement,
                    self.arrow_function,
                ]),
                class::READS_CHILDREN,
            ),
        ] {
            if set {
                bits |= bit;
            }
        }
        bits
    }

    fn has(&self, kind: u16, bit: u8) -> bool {
        self.classes.get(usize::from(kind)).is_some_and(|bits| bits & bit != 0)
    }

    pub fn is_function(&self, kind: u16) -> bool {
        self.has(kind, class::FUNCTION)
    }

    /// A scope of `var` declarations: a function or the program.
    pub fn is_function_scope(&self, kind: u16) -> bool {
        self.has(kind, class::FUNCTION_SCOPE)
    }

    /// A scope of `let`/`const` declarations: a function, a block, a loop head, a catch clause.
    pub fn is_scope(&self, kind: u16) -> bool {
        self.has(kind, class::SCOPE)
    }

    /// Casts, non-null assertions and parentheses, which [`super::nodes::unwrap`] sees through.
    pub fn is_wrapper(&self, kind: u16) -> bool {
        self.has(kind, class::WRAPPER)
    }

    /// Subtrees that declare, call, assign and return nothing: types, literals, JSX text and
    /// closing tags. A quarter of the nodes of typical TypeScript.
    pub fn is_inert(&self, kind: u16) -> bool {
        self.has(kind, class::INERT)
    }

    /// What the flat copy keeps of each kind, by id: inert nodes without what is inside them,
    /// and no [punctuation](UNREAD_PUNCTUATION).
    pub fn kept(&self) -> &[Keep] {
        &self.kept
    }

    /// Kinds whose named children the binding table's walk reads on entering them: the name
    /// and value of a declarator, the names of an import, parameters, a returned value, the
    /// one parameter of `x => ...`.
    pub fn reads_children(&self, kind: u16) -> bool {
        self.has(kind, class::READS_CHILDREN)
    }

    /// Kinds the binding table's walk does something with on entering: scopes, declarations
    /// (parameter lists among them), and what it counts (calls, assignments, returns, classes).
    pub fn is_noted_or_scope(&self, kind: u16) -> bool {
        self.has(kind, class::NOTED | class::SCOPE)
    }
}

/// The bits of a kind's class: what the front-end asks of every node, in one lookup.
mod class {
    pub const FUNCTION: u8 = 1;
    pub const FUNCTION_SCOPE: u8 = 2;
    pub const SCOPE: u8 = 4;
    pub const WRAPPER: u8 = 8;
    pub const INERT: u8 = 16;
    pub const NOTED: u8 = 32;
    pub const READS_CHILDREN: u8 = 64;
}

/// A node's kind name, from the grammar's table of names by id.
pub trait KindOf {
    fn kind_name(&self) -> &'static str;
}

impl KindOf for Node<'_> {
    fn kind_name(&self) -> &'static str {
        Ids::of(*self).names.get(usize::from(self.kind_id())).map_or("", |name| name)
    }
}

/// A node's child in a field, found by the field's id, looked up once per grammar.
pub trait FieldOf<'t> {
    fn field(&self, field: Field) -> Option<Node<'t>>;

    /// Every child in a field that takes several (a `case`'s statements).
    fn fields(&self, field: Field) -> impl Iterator<Item = Node<'t>>;
}

impl<'t> FieldOf<'t> for Node<'t> {
    fn field(&self, field: Field) -> Option<Node<'t>> {
        self.child_by_field_id(Ids::of(*self).fields[field as usize]?.get())
    }

    fn fields(&self, field: Field) -> impl Iterator<Item = Node<'t>> {
        self.children_by_field_id(Ids::of(*self).fields[field as usize].map_or(0, NonZeroU16::get))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::flat;

    #[test]
    fn each_grammar_gets_its_own_ids() {
        let source = "const f = () => g(x);";
        for grammar in [Grammar::TypeScript, Grammar::Tsx] {
            let tree = flat::parse(grammar, source);
            let root = tree.root();
            let ids = Ids::of(root);
            assert_eq!(root.kind_id(), ids.program);
            let calls: Vec<_> = root.descendants().filter(|n| n.kind_id() == ids.call_expression).collect();
            assert_eq!(calls.len(), 1);
            assert_eq!(calls[0].kind_name(), "call_expression");
            assert_eq!(calls[0].field(Field::Function).map(|f| f.kind_name()), Some("identifier"));
            let arrow = root.descendants().find(|n| ids.is_function(n.kind_id()));
            assert_eq!(arrow.map(|a| a.kind_name()), Some("arrow_function"));
        }
    }
}
