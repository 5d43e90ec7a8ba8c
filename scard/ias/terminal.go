package ias

// The terminal side of DAPP (IAS-ECC device authentication with privacy
// protection) as the public CIE middleware performs it. These values are
// published in that code (italia/cie-middleware-linux, commit d8d0b87:
// cie-pkcs11/CSP/IAS.cpp defModule/defPrivExp/defPubExp and
// CSP/ExtAuthKey.cpp ExtAuth_PrivExp; the same numbers are in
// pagopa/cie-sdk-android commands/constants.kt). Every CIE accepts them, so
// DAPP with them proves nothing about the terminal: it only opens the
// channel. They are facts about the card ecosystem, written out here in
// hex.

// terminalModulusHex is the modulus of the terminal (IFD) RSA key whose
// card-verifiable certificate the middleware builds on the fly.
const terminalModulusHex = "" +
	"ba2837ab4c6bb827577bff4eb7b1e49cdde0f16614d1ef24c1b75cf70fb12cd1" +
	"8f4d14e2814ba4877ea800e175906076b562ba535973c5d8b378051d8afc7407" +
	"a1d919529e03c106cda18d699afb0d8ab4fddd9dc719159a50de9468f02ab103" +
	"e282a50e716ec23cda5bfc4a232b09a4b2c70745939549099b4483cbae62d009" +
	"9674dbf6f39b7223a99d88e33f1a0cdedeebbdc35517abe9880aab240e1ea166" +
	"283a274a9ad93b4b1d19f3679f3e8b5ff6a1e0ed736e84d5abe03c59e7346b42" +
	"18755d75366cbf4136f0a26c3dc70a69abaaf66e13a1b2faad052ca6ec9c51e2" +
	"aed14d16e090254dc3f64ea2bd8a836bba99defacba3a613aeedd93a9615273d"

// terminalPrivateExponentHex is the IFD key's private exponent.
const terminalPrivateExponentHex = "" +
	"4716c2a38ccc7a07b415eb1a6175f2aaa0e49ceaf1ba75cba09a684b04d81118" +
	"79d3e2ccd8b94d3c5cf6c55753f0ed9587910b3c77258a01460fe84c2ede5764" +
	"eebe9c37fb95cd69ceaf09f4b1357c276314ab43ec5b3cefb0403f868f688e2e" +
	"c09a4973e987756f8da7a101a2ca75a54a8c4ccf9a1b6147e4de56423af70b20" +
	"67179c5eeb646867863478d752c7f412db277541575aa0619d30bccc8d87e617" +
	"0b33439a2c93f2d97e18c0a82343a6012a5bb1822808f01b5cfd85673ac0964c" +
	"5f3cfd2daf8142359764a9adb9e3f76db613461c1bc913dc9ac0ab50d365f77c" +
	"b93194c98aa966d89cdd555125a5e59ecf4fa3f0c3fd610cd3d056439338fd81"

// terminalPublicExponentHex is the IFD key's public exponent, 4 bytes as
// the middleware puts it in the certificate body.
const terminalPublicExponentHex = "00010001"

// caPrivateExponentHex is the private exponent of the CA that signs the
// IFD certificate; its modulus and public exponent are read from the card
// (GET DATA of the external-authentication key, tags 81 and 82).
const caPrivateExponentHex = "" +
	"186b31488c25dcf85d953d3630c0d073ba1c6aa24581ad254f3b6719c5d72cca" +
	"3e5cdc5a1e5316578d75954ff73b237b532c9f8de4a2c4c911385a23e63e33e4" +
	"7ee45e66efd49b18e02cff87598c39109e8f86a66bc330249ce3fcad655dcdbf" +
	"98c9c5e479321af53b517d041061880a647bbe0ff813683470e6c50094ce81d0" +
	"64e204e351bd3ae0a7947d8e91c3fd5c0a15233c349a5215a4e66e21c5d33498" +
	"e71991ea24473b29f1475f6fd9be3996e19bd474fad1b41ea0dcd2fc16c9bffa" +
	"071bfec1b22415184811c1985fbfe3e7b4f44a4b3c8dfab4d90cecfc5e608d67" +
	"3e6762c62cb798341271149ba688162ec7d0e3468f65a94ab4ad1ab67e37bfc1"
