package azure

// DecodeItem is decodeItem, for the tests of package azure_test.
var DecodeItem = decodeItem

// DecodeFabric is decodeFabric, for the tests of package azure_test.
var DecodeFabric = decodeFabric

// DecodeGet is decodeGet, for the tests of package azure_test.
var DecodeGet = decodeGet

// DecodeRecoveryPlan is decodeRecoveryPlan, for the tests of package azure_test.
var DecodeRecoveryPlan = decodeRecoveryPlan
